"""Fingerprints (`code_version`) that changed when the code moved without the counting changing.

A stored run keeps the fingerprint of the code that counted it (ADR 0022). When the indicators were split from one
module into one module per sub-domain, every fingerprint changed though no figure could: each pair below is a
report or indicator's fingerprint on the last version before the split and its fingerprint right after it, so a run
stored just before the split is compared with the definitions it was counted by. A later change of the counting
changes today's fingerprint and the run is again said to be counted otherwise.

Each later move adds its own list, after the others in `MOVES`: a stored fingerprint is read through every list in
turn, so a run stored before the first move still finds the fingerprint the last one made of it. Only the codes whose
counting the move left unchanged are listed.
"""

# {code: (fingerprint before the split, fingerprint after it)}
SPLIT_INTO_SUB_DOMAINS = {
    "activity": ("fd67c34a18a9b6a3", "ab4ba85567ee0b68"),
    "asll": ("74e171c2881a8c4a", "8712fa2127f5cf5e"),
    "avdl": ("350e98de64c5da58", "b1072c336b62d72b"),
    "concerns_panorama": ("6d4182aada663620", "a1fef390cfcfbf64"),
    "desk_visits": ("bc8ee55e533a69c6", "c51617d6c8235679"),
    "entry_situations": ("21822b67e1244e96", "5bc7ea5b8a3b2204"),
    "esds": ("03aaeb5bb6d522e3", "57da48ee6fc14114"),
    "follow_up_situations": ("6e566dd9c784eb7a", "6af8e257cc3f7a77"),
    "homeless_rehoused": ("7637acf26c93ea75", "f93d7e2244cffc0a"),
    "households_accompanied": ("92040c180d077f4d", "c4847c130635edfc"),
    "households_entered": ("5b6e843d59d68820", "8b6f7f2fd6c61b33"),
    "households_exited": ("625188a45cd0a6a9", "892831ec7951a6c0"),
    "iml": ("e10c007cfa51c871", "dc99a5bee73e045c"),
    "iml_dwellings": ("82766fd40516b39e", "462718277a8f6e47"),
    "intervention_minutes": ("d6ced9a9274ce97f", "1e5641dcbad5c168"),
    "leases_flow": ("7cbc122d5999833a", "5065cce4e665360a"),
    "logement_dabord": ("7fc1a3f00d91e79f", "90bca882d8e6e578"),
    "measure_durations": ("edd94e97c6c618c0", "affa29477f7543ca"),
    "measure_outcomes": ("4ce54862bad968d1", "2d4e08f31463dbcb"),
    "measures_flow": ("64812940082c61d7", "341925fc033bc190"),
    "outcomes_by_category": ("07d950bedb400561", "9c2bf3e2b181cbfc"),
    "pension_famille": ("1cfc7c4fa014044b", "67566b9d92221f08"),
    "prevention_outcomes": ("1e07fd2a7663704f", "f2501a77a3991079"),
    "residence_occupancy": ("d52d213e3f0d7b4f", "a06a857838e5d537"),
    "residents_by_age": ("5d60de4007772275", "5532df58e093b9b1"),
    "stay_exits_by_destination": ("756484ac71915001", "a1eb4b1b621b6174"),
    "workshop_attendance": ("f65c7590fb1a18d4", "e21e152381a7933e"),
}


# The panorama of concerns, now counted by year, left `measures` for its own module (`concerns`): the source of
# `measures`, part of the fingerprint of every table it counts, lost it without any of those counts changing. Not
# listed: the panorama itself and the activity report (counted by year since), and the ASLL report (which gained the
# FSL's tables then).
PANORAMA_OUT_OF_MEASURES = {
    "avdl": ("b1072c336b62d72b", "db7dc89c3b3ba537"),
    "entry_situations": ("5bc7ea5b8a3b2204", "d040b58568c9f2d7"),
    "follow_up_situations": ("6af8e257cc3f7a77", "90ac0446add8f103"),
    "homeless_rehoused": ("f93d7e2244cffc0a", "ea734a1dd2c9c0d6"),
    "households_accompanied": ("c4847c130635edfc", "85d3e5a7d9c3e010"),
    "households_entered": ("8b6f7f2fd6c61b33", "4e0133199dc49dbd"),
    "households_exited": ("892831ec7951a6c0", "da2fabfadab7c414"),
    "iml": ("1c1d435866b5216e", "65436ebfdf33c583"),
    "intervention_minutes": ("1e5641dcbad5c168", "a24b04f6aa4230d0"),
    "logement_dabord": ("90bca882d8e6e578", "c8c40ff7e4e69e27"),
    "measure_durations": ("affa29477f7543ca", "4fb0a20db1941b38"),
    "measure_outcomes": ("2d4e08f31463dbcb", "36a4ac7838b6edde"),
    "measures_flow": ("341925fc033bc190", "ced5095bc320e450"),
    "outcomes_by_category": ("9c2bf3e2b181cbfc", "75fae9bea2404c7c"),
}

MOVES = (SPLIT_INTO_SUB_DOMAINS, PANORAMA_OUT_OF_MEASURES)  # oldest first


def moved(code: str, stored_version: str) -> str:
    """`stored_version` as it reads after the moves of the code listed here, each in turn."""
    for move in MOVES:
        before, after = move.get(code, ("", ""))
        if stored_version == before:
            stored_version = after
    return stored_version
