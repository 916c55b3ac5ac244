"""Valid application payloads for the API and the service, to be varied by each test."""

import copy
from typing import Any

from tests.factories import resident_id, uscc


def application_payload(court_code: str = "蒙0302", **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "court": court_code,
        "applicants": [
            {
                "kind": "person",
                "name": "张三",
                "id_number": resident_id(1),
                "phone": "13800138000",
                "address": "内蒙古乌海市海勃湾区新华大街1号",
            },
        ],
        "respondents": [
            {
                "kind": "organisation",
                "name": "乌海市某某建材有限公司",
                "id_number": uscc(2),
                "phone": "0473-3123456",
                "address": "内蒙古乌海市海勃湾区滨河路8号",
            },
        ],
        "title": {
            "court_name": "乌海市海勃湾区人民法院",
            "case_number": "（2026）蒙0302民初1234号",
            "effective_date": "2026-09-15",
        },
        "claim": {"kind": "money", "amount": "125000.50", "description": "货款及利息"},
    }
    payload.update(copy.deepcopy(overrides))
    return payload
