# Types for kernel.py, which Cython compiles in "pure Python mode" with this file
# (https://cython.readthedocs.io/en/latest/src/tutorial/pure.html#augmenting-pxd).
cimport cython


@cython.locals(n=Py_ssize_t, ntok=Py_ssize_t, ncomp=Py_ssize_t, k=Py_ssize_t, f=int,
               p=Py_ssize_t, t=int, c=int, ncols=int, pt=int, pc=int,
               col=int[::1], col_tok="unsigned char[::1]", ltok_off=int[::1], ltok=int[::1],
               lwt=double[::1], lcomp_off=int[::1], lcomp=int[::1])
cpdef tuple gather(const int[::1] fids, const int[::1] tok_off, const int[::1] form_tok,
                   const int[::1] comp_off, const int[::1] form_comp,
                   const double[::1] weights, int[::1] scratch)


cdef unsigned long long _M64


@cython.locals(nr=Py_ssize_t, nc=Py_ssize_t, r=Py_ssize_t, c=Py_ssize_t, i=Py_ssize_t,
               j=Py_ssize_t, m=Py_ssize_t, t=int, d=int, ch=Py_UCS4, s=str, j0=Py_ssize_t,
               n=Py_ssize_t, big=Py_ssize_t, gap=Py_ssize_t, lim=double, left=Py_ssize_t,
               one="unsigned long long", mask="unsigned long long",
               vp="unsigned long long", vn="unsigned long long", d0="unsigned long long",
               pm_old="unsigned long long", pm_j="unsigned long long",
               tr="unsigned long long", hp="unsigned long long", hn="unsigned long long")
cpdef void osa_rows(list rows, const int[::1] col_ids, const unsigned char[::1] chars,
                    const int[::1] char_off, unsigned long long[::1] pm, int[:, ::1] dist,
                    const unsigned char[::1] row_tok, const unsigned char[::1] col_tok,
                    double wide, double narrow)


@cython.locals(nr=Py_ssize_t, nc=Py_ssize_t, r=Py_ssize_t, c=Py_ssize_t, rl=int, rg=int,
               rk=int, rf=int, d=int, t=int, lc=int, s=double, rel=double, dd=double)
cpdef void sim_bounds(const int[:, ::1] dist, const int[:, ::1] rows, const int[::1] col_ids,
                      const int[::1] lengths, const int[::1] first, const int[::1] groups,
                      const int[::1] keys, double min_pair, double[:, ::1] sim)


@cython.locals(nr=Py_ssize_t, n=Py_ssize_t, r=Py_ssize_t, rr=Py_ssize_t, k=Py_ssize_t,
               i=Py_ssize_t, p=Py_ssize_t, t0=Py_ssize_t, t1=Py_ssize_t,
               bq=Py_ssize_t, vals=Py_ssize_t,
               kk=Py_ssize_t, matched=int, d=int, jl=int, least=double, dd=double, m=double,
               v=double, w=double, comp_best=double, wq_sum=double, wq_min=double,
               wq_low=double, wc_sum=double, wc_min=double, num=double, den=double,
               a=double, low=double, ub=double, js=double, has_comp=bint,
               has_joined=bint, nc=Py_ssize_t, alone=double, ncomp=Py_ssize_t,
               most=Py_ssize_t, c=Py_ssize_t, j=Py_ssize_t, q=Py_ssize_t,
               kbuf=Py_ssize_t, qcomp=bint, found=bint)
cpdef void form_bounds(const double[:, ::1] sim, const int[::1] rowmap, int nq,
                       const double[::1] wq, const int[::1] ltok_off, const int[::1] ltok,
                       const double[::1] lwt, const int[::1] lcomp_off,
                       const int[::1] lcomp, const double[::1] alpha,
                       const int[::1] fids, const int[::1] jdist, const int[::1] jlen,
                       int qjl, double compound_min, double minor_w, double person_a,
                       double[::1] scratch, double[::1] out, unsigned char[::1] compound)


@cython.locals(nq=Py_ssize_t, n=Py_ssize_t, k=Py_ssize_t, i=Py_ssize_t, f=int, ent=int,
               kf=double, m=double, v=double, top=double[::1], mine=list)
cpdef void entity_bounds(double[:, ::1] ubq, const unsigned char[::1] comp,
                         const int[::1] fids, const int[::1] form_entity,
                         const double[::1] kind_factor, double name_weight, double plus,
                         double floor, bint check, dict hits, dict form_ub, dict form_comp,
                         dict ent_ub)


@cython.locals(p=Py_ssize_t, v=double)
cdef bint _pairs_with_a_name(const double[:, ::1] sim, Py_ssize_t rr, const int[::1] ltok,
                             const double[::1] lwt, Py_ssize_t t0, Py_ssize_t t1,
                             double minor_w, double least)


cdef double _largest(const double[::1] w, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t m)


cdef double _kth(const double[::1] w, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t k)


@cython.locals(total=double, prev_w=double, prev_p=Py_ssize_t, _=Py_ssize_t,
               best_w=double, best_p=Py_ssize_t, p=Py_ssize_t, x=double)
cdef double _select(const double[::1] w, Py_ssize_t lo, Py_ssize_t hi, Py_ssize_t m,
                    bint last)


cdef class Tables:
    cdef const int[::1] tok_off
    cdef const int[::1] form_tok
    cdef const int[::1] comp_off
    cdef const int[::1] form_comp
    cdef const double[::1] weights
    cdef const unsigned char[::1] chars
    cdef const int[::1] char_off
    cdef const int[::1] lengths
    cdef const int[::1] first
    cdef const int[::1] groups
    cdef const int[::1] keys
    cdef const double[::1] alpha
    cdef const unsigned char[::1] jchars
    cdef const int[::1] jchar_off
    cdef const int[::1] jlen


@cython.locals(n=Py_ssize_t, res=tuple, ncols=int, col_ids=int[::1], ltok_off=int[::1],
               ltok=int[::1], lwt=double[::1], lcomp_off=int[::1], lcomp=int[::1],
               col_tok="unsigned char[::1]", nr=Py_ssize_t, nt=Py_ssize_t,
               dist=int[:, ::1], sim=double[:, ::1], nj=Py_ssize_t, jd=int[:, ::1],
               nqf=Py_ssize_t, most=Py_ssize_t, size=Py_ssize_t, q=Py_ssize_t, j=int,
               scratch=double[::1], jq=int[::1])
cpdef void token_bounds(Tables tab, const int[::1] fids, list rows, const int[:, ::1] info,
                        const unsigned char[::1] row_tok, const int[::1] maps,
                        const int[::1] map_off, const double[::1] wq, const int[::1] wq_off,
                        list joined, const int[::1] jrow, const int[::1] jlens,
                        unsigned long long[::1] pm, int[::1] gscratch,
                        const unsigned char[::1] ones, int[::1] no_joined,
                        double wide, double narrow, double min_pair, double compound_min,
                        double minor_w, double person_a, double[:, ::1] best,
                        unsigned char[::1] compound)
