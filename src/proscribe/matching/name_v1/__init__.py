"""name-v1: token alignment across scripts, with fact checks and a common-name guard.

Stable id and version: every screening result records them with `ALGORITHM_SETTINGS`, so a
decision can be replayed. Change the version whenever a constant or rule here changes.
"""

from proscribe.index import kernel as _index_kernel
from proscribe.matching.name_v1 import features, kernel, names
from proscribe.matching.name_v1.features import FEATURES, EntityFacts, QueryFacts
from proscribe.matching.name_v1.names import NameForm, align_forms, name_forms, token_similarity
from proscribe.matching.name_v1.scorer import (
    COMMON_NAME_EVIDENCE,
    NAME_KIND_FACTOR,
    NAME_WEIGHT,
    Scored,
    score_entity,
    soft_cap,
)

#: Whether the matcher's modules run compiled (setup.py: mypyc, and Cython for the numeric
#: kernels) or interpreted: the same source and the same scores either way, only the speed
#: differs.
COMPILED = not names.__file__.endswith(".py") and not kernel.__file__.endswith(".py") \
    and not _index_kernel.__file__.endswith(".py")

ALGORITHM_ID = "name-v1"
ALGORITHM_VERSION = "1.13.0"
ALGORITHM_SETTINGS: dict[str, object] = {
    "name_weight": NAME_WEIGHT,
    "common_name_evidence": COMMON_NAME_EVIDENCE,
    "name_kind_factor": {k.value: v for k, v in NAME_KIND_FACTOR.items()},
    "features": [f.__name__ for f in FEATURES],
}

__all__ = [
    "ALGORITHM_ID",
    "ALGORITHM_SETTINGS",
    "ALGORITHM_VERSION",
    "COMPILED",
    "FEATURES",
    "EntityFacts",
    "NameForm",
    "QueryFacts",
    "Scored",
    "align_forms",
    "features",
    "name_forms",
    "score_entity",
    "soft_cap",
    "token_similarity",
]
