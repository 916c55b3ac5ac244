"""Writes of custody: online searches, property measures with their terms, deductions' money, detention and
fines. Each locks what it changes, checks again on the locked rows, and records a timeline event; the
models keep their history.

Who may act
    - Searches and their replies: whoever works the case for its judge (``enforcement.access.works_case``:
      the judge, a judge, assistant or lead of its team).
    - Measures, renewals, releases, deductions' money, proposing a detention or a fine, recording the
      family notice and an early release: who judges the case (``enforcement.access.judges_case``).
    - Approving or refusing a detention or a fine: the court's president, never the one who proposed it.

Time limits
    A measure with a term opens its expiry clock in the deadline engine (node ``measure_<kind>``: the
    legal maximum as budget, warned 30 days ahead, to the judge and the team lead). A renewal meets the
    running clock, which resolves its alerts, and opens the next one from the last day of the term
    before. Terms end on their day (counting "exact"). A detention opens the 24-hour clock for telling
    the family (node ``detention_family_notice``), met when the notice is recorded.

Credit sanctions
    The consumption-restriction order and the dishonest-debtor list, with the list's term and removal
    clocks (nodes ``dishonest_term`` and ``dishonest_removal``): ``credit`` says who may do what.

One module per subject: ``searches``, ``measures``, ``deductions`` (their money), ``sanctions``
(detention and fines) and ``credit``; ``_common`` locks and checks the case. Callers use the names
exported here (``from custody import services``); the modules import each other, never this package.
"""

from .credit_repair import repair_credit
from .deductions import link_deduction, unlink_reversed_money
from .listings import (
    MAX_EXTENSION_YEARS,
    RECORDED_REMOVAL_GROUNDS,
    REMOVAL_NODE,
    TERM_NODE,
    age_on,
    extend_listing,
    list_debtor,
    may_extend,
    record_listing_service,
    record_removal_ground,
    refuse_listing,
    remove_expired_listings,
    remove_listing,
)
from .measures import (
    TERM_NODES,
    MeasureInput,
    flag_lapsed_measures,
    max_term_months,
    release_measure,
    renew_measure,
    running_expiry,
    take_measure,
)
from .restrictions import (
    CREDIT_DECIDER_ROLES,
    BoundPerson,
    decide_restriction,
    lift_restriction,
    may_decide_restriction,
    propose_restriction,
)
from .sanctions import (
    APPROVER_ROLES,
    FAMILY_NOTICE_HOURS,
    FAMILY_NOTICE_NODE,
    PersonInput,
    decide_detention,
    decide_fine,
    may_decide_sanction,
    propose_detention,
    propose_fine,
    record_family_notice,
    release_date,
    release_early,
)
from .searches import (
    HOLDER_FOR_INSTITUTION,
    INSTITUTION_NAME_LENGTH,
    MEASURE_FOR_ASSET,
    SEARCH_NODE,
    AssetFound,
    Institution,
    record_reply,
    request_search,
)

__all__ = [
    "APPROVER_ROLES",
    "CREDIT_DECIDER_ROLES",
    "FAMILY_NOTICE_HOURS",
    "FAMILY_NOTICE_NODE",
    "HOLDER_FOR_INSTITUTION",
    "INSTITUTION_NAME_LENGTH",
    "MAX_EXTENSION_YEARS",
    "MEASURE_FOR_ASSET",
    "RECORDED_REMOVAL_GROUNDS",
    "REMOVAL_NODE",
    "SEARCH_NODE",
    "TERM_NODE",
    "TERM_NODES",
    "AssetFound",
    "BoundPerson",
    "Institution",
    "MeasureInput",
    "PersonInput",
    "age_on",
    "decide_detention",
    "decide_fine",
    "decide_restriction",
    "extend_listing",
    "flag_lapsed_measures",
    "lift_restriction",
    "link_deduction",
    "list_debtor",
    "max_term_months",
    "may_decide_restriction",
    "may_decide_sanction",
    "may_extend",
    "propose_detention",
    "propose_fine",
    "propose_restriction",
    "record_family_notice",
    "record_listing_service",
    "record_removal_ground",
    "record_reply",
    "refuse_listing",
    "release_date",
    "release_early",
    "release_measure",
    "remove_expired_listings",
    "remove_listing",
    "renew_measure",
    "repair_credit",
    "request_search",
    "running_expiry",
    "take_measure",
    "unlink_reversed_money",
]
