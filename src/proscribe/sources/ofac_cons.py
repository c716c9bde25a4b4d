"""OFAC Consolidated Sanctions List (the non-SDN lists: SSI, NS-MBS, CMIC, PLC, ...).

Published in the same two forms as the SDN list, with the same columns and XML schema:
the CSV set cons_prim.csv, cons_add.csv, cons_alt.csv, cons_comments.csv, or
consolidated.xml (root `sdnList`). Both go through the readers in `ofac_sdn`, so they give
the same entities.
"""

from __future__ import annotations

from proscribe.sources.ofac_sdn import CsvNames, OfacParser

__all__ = ["PARSER", "CONS_CSV"]

CONS_CSV = CsvNames("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")

PARSER = OfacParser(
    source="ofac_cons",
    title="OFAC Consolidated Sanctions List (non-SDN)",
    parser_version="ofac-cons-v1",
    csv_names=CONS_CSV,
    xml_name="consolidated.xml",
)
