# Types for kernel.py, which Cython compiles in "pure Python mode" with this file.
cimport cython


@cython.locals(n=Py_ssize_t, k=Py_ssize_t, f=int, per_id=bint)
cpdef int accumulate(const int[::1] ids, const double[::1] weights, double weight,
                     bint only_hit, double[::1] dense, unsigned char[::1] seen,
                     int[::1] touched, int ntouched)


@cython.locals(ng=Py_ssize_t, k=str, slot=Py_ssize_t, lo="long long", hi="long long",
               p="long long", j=Py_ssize_t, f=int, w=double)
cpdef int group_hits(tuple keys, dict slots, dict approx, const long long[::1] offsets,
                     const int[::1] postings, double log_n, long long max_df,
                     double[::1] gbest, unsigned char[::1] gseen, int[::1] ids,
                     double[::1] best, list skipped)


@cython.locals(k=Py_ssize_t, size=Py_ssize_t, j=Py_ssize_t, i=Py_ssize_t,
               parent=Py_ssize_t, end=Py_ssize_t, f=int, g=int, last=int, s=double,
               out=int[::1])
cpdef object top_forms(double[::1] dense, unsigned char[::1] seen, const int[::1] touched,
                       int ntouched, int limit)


@cython.locals(s=double, i=Py_ssize_t, c=Py_ssize_t, h=int, h2=int)
cdef void _sift_down(double[::1] dense, int[::1] out, Py_ssize_t size, int f)
