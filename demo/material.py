"""Who the demo's parties are: people and companies of 乌海 with valid identity numbers (GB 11643, GB
32100), phones and addresses, drawn from a ``random.Random`` so every fresh database gets the same."""

import datetime
import random
from collections.abc import Callable

from enforcement.models import Party
from intake import identity
from intake.services import PartyInput

SEED = 2026

SURNAMES = "王李张刘陈杨赵黄周吴马孙郭高林何罗郑梁谢宋唐韩冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN_NAMES = (
    "建国",
    "秀英",
    "伟",
    "洋",
    "静",
    "帆",
    "磊",
    "敏",
    "杰",
    "霞",
    "超",
    "丽",
    "海燕",
    "志强",
    "桂兰",
    "文博",
    "玉梅",
    "建华",
    "俊杰",
    "淑珍",
    "晓东",
    "红梅",
    "宏伟",
    "春生",
    "丽娟",
    "永刚",
    "雪梅",
    "鹏",
    "海军",
    "慧敏",
    "国庆",
    "金花",
    "亮",
    "婷",
    "晨阳",
    "宝山",
    "凤英",
    "子豪",
    "欣怡",
    "立新",
)
# (name, division code of the registering authority)
COMPANIES: tuple[tuple[str, str], ...] = (
    ("乌海市恒达建材有限公司", "150302"),
    ("乌海市鑫源煤业有限责任公司", "150303"),
    ("乌海市金泰商贸有限公司", "150302"),
    ("内蒙古黄河明珠建筑工程有限公司", "150300"),
    ("乌海市宏盛焦化有限公司", "150304"),
    ("乌海市诚信物流有限公司", "150302"),
    ("乌海市天晟房地产开发有限公司", "150302"),
    ("乌海市绿源农牧业发展有限公司", "150303"),
    ("乌海市佳美装饰工程有限公司", "150302"),
    ("乌海市泰和化工有限责任公司", "150304"),
    ("乌海市聚福餐饮管理有限公司", "150302"),
    ("乌海市北方汽车销售服务有限公司", "150303"),
)
# Lenders appear as applicants only.
LENDERS: tuple[tuple[str, str], ...] = (
    ("内蒙古乌海农村商业银行股份有限公司", "150300"),
    ("乌海市融通小额贷款有限公司", "150302"),
)
# Where people come from: 乌海's three districts mostly, some from 赤峰, 呼和浩特, 阿拉善 and 石嘴山.
AREA_CODES = (
    "150302",
    "150302",
    "150302",
    "150303",
    "150303",
    "150304",
    "150304",
    "150402",
    "150102",
    "152921",
    "640202",
)
EARLIEST_BIRTH, LATEST_BIRTH = datetime.date(1950, 1, 1), datetime.date(2000, 12, 31)
DISTRICT_NAMES = {"150302": "海勃湾区", "150303": "海南区", "150304": "乌达区"}
STREETS = (
    "滨河东街",
    "新华西街",
    "人民路",
    "海北大街",
    "黄河西街",
    "林荫路",
    "团结路",
    "巴音赛大街",
    "卫境路",
)
MOBILE_PREFIXES = (
    "139",
    "138",
    "137",
    "135",
    "150",
    "151",
    "152",
    "158",
    "182",
    "187",
    "133",
    "153",
    "189",
    "177",
    "186",
)
BANKS = (
    "中国工商银行乌海分行",
    "中国建设银行乌海分行",
    "中国农业银行乌海分行",
    "中国银行乌海分行",
    "内蒙古乌海农村商业银行",
    "包商银行乌海分行",
)


def parties(
    rng: random.Random, make: Callable[[random.Random], PartyInput], count: int, taken: set[str]
) -> list[PartyInput]:
    """``count`` parties whose names are not in ``taken`` yet: a company never sues itself."""
    chosen: list[PartyInput] = []
    while len(chosen) < count:
        party = make(rng)
        if party.name not in taken:
            taken.add(party.name)
            chosen.append(party)
    return chosen


def applicant(rng: random.Random) -> PartyInput:
    roll = rng.random()
    if roll < 0.15:
        return organisation(rng, rng.choice(LENDERS), with_agent=True)
    if roll < 0.4:
        return organisation(rng, rng.choice(COMPANIES), with_agent=rng.random() < 0.6)
    return person(rng, with_agent=rng.random() < 0.3)


def respondent(rng: random.Random) -> PartyInput:
    if rng.random() < 0.35:
        return organisation(rng, rng.choice(COMPANIES), with_agent=False)
    return person(rng, with_agent=False)


def person(rng: random.Random, *, with_agent: bool) -> PartyInput:
    return PartyInput(
        kind=Party.Kind.PERSON,
        name=person_name(rng),
        id_type=Party.IdType.RESIDENT_ID,
        id_number=resident_id(rng),
        phone=mobile(rng),
        address=address(rng),
        agent_name=person_name(rng) if with_agent else "",
        agent_phone=mobile(rng) if with_agent else "",
    )


def organisation(rng: random.Random, company: tuple[str, str], *, with_agent: bool) -> PartyInput:
    """A company looks the same in every case it appears in: its details come from a generator seeded
    by its name. Only the agent, chosen per case, comes from ``rng``."""
    name, division = company
    own = random.Random(f"{SEED}:{name}")
    return PartyInput(
        kind=Party.Kind.ORGANISATION,
        name=name,
        id_type=Party.IdType.USCC,
        id_number=uscc(own, division),
        phone=mobile(own),
        address=address(own, district=DISTRICT_NAMES.get(division)),
        legal_representative=person_name(own),
        agent_name=person_name(rng) if with_agent else "",
        agent_phone=mobile(rng) if with_agent else "",
    )


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def resident_id(rng: random.Random) -> str:
    """A valid GB 11643 number: area code, birth date 1950-2000, sequence, check character."""
    born = EARLIEST_BIRTH + datetime.timedelta(days=rng.randrange((LATEST_BIRTH - EARLIEST_BIRTH).days + 1))
    first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + identity.resident_id_check_char(first17)


def uscc(rng: random.Random, division: str) -> str:
    """A valid GB 32100 code registered in ``division``."""
    organisation_code = "".join(rng.choice(identity.USCC_ALPHABET) for _ in range(9))
    first17 = f"91{division}{organisation_code}"  # 9 = market regulator, 1 = enterprise
    return first17 + identity.uscc_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def place(rng: random.Random) -> dict[str, object]:
    return {
        "district": rng.choice(list(DISTRICT_NAMES.values())),
        "street": rng.choice(STREETS),
        "n": rng.randint(1, 199),
    }


def address(rng: random.Random, *, district: str | None = None) -> str:
    where = place(rng)
    return f"内蒙古自治区乌海市{district or where['district']}{where['street']}{where['n']}号"


def plate(rng: random.Random) -> str:
    """A 乌海 number plate, e.g. 蒙C·3K521 (no I or O on plates)."""
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "蒙C·" + "".join(rng.choice("0123456789" + letters) for _ in range(5))
