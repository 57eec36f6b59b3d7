"""A small named world for tests, in the spirit of healthchecks' Alice, Bob and Charlie.

    Madhya Pradesh (state)
    ├── Bhopal (district A)
    │   ├── Phanda (block X)
    │   │   └── Phanda cluster 1 (cluster X1)
    │   │       ├── school A  (primary, 1–5)    HM Asha, teacher Tarun
    │   │       └── school B  (middle, 6–8)
    │   └── Berasia (block Y)
    │       └── Berasia cluster 1 (cluster Y1)
    │           └── school C  (primary with middle, 1–8)   HM Hari
    └── Sehore (district B)
        └── Ashta (block Z)
            └── Ashta cluster 1 (cluster Z1)
                └── school D  (high with higher secondary, 9–12)

Officers: Chetan (cluster X1), Dev (DDO, block X), Bhavna (block X), Yash (block Y),
Dinesh (district A), Zoya (district B), Sunita (state officer), Arjun (state administrator).
Everyone's password is PASSWORD.
"""

from types import SimpleNamespace

from hazari.accounts.models import User
from hazari.accounts.roles import Role
from hazari.orgunits.categories import Category
from hazari.orgunits.models import OrgUnit, School

PASSWORD = "correct-horse-42"


def unit(code: str, name_en: str, name_hi: str, parent: OrgUnit | None) -> OrgUnit:
    u = OrgUnit(code=code, name_en=name_en, name_hi=name_hi)
    u.set_parent(parent)
    u.save()
    return u


def school(
    udise: str, name_en: str, name_hi: str, cluster: OrgUnit, category: int, hm_mobile: str = ""
) -> School:
    return School.objects.create(
        unit=unit(udise, name_en, name_hi, cluster), category=category, hm_mobile=hm_mobile
    )


def person(username: str, name: str, role: str, at: OrgUnit, mobile: str = "") -> User:
    return User.objects.create_user(
        username, PASSWORD, name=name, role=role, unit=at, mobile=mobile
    )


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.state = unit("23", "Madhya Pradesh", "मध्य प्रदेश", None)
    w.district_a = unit("396", "Bhopal", "भोपाल", w.state)
    w.district_b = unit("427", "Sehore", "सीहोर", w.state)
    w.block_x = unit("3778", "Phanda", "फंदा", w.district_a)
    w.block_y = unit("3777", "Berasia", "बैरसिया", w.district_a)
    w.block_z = unit("3982", "Ashta", "आष्टा", w.district_b)
    w.cluster_x1 = unit("3778-01", "Phanda cluster 1", "फंदा संकुल 1", w.block_x)
    w.cluster_y1 = unit("3777-01", "Berasia cluster 1", "बैरसिया संकुल 1", w.block_y)
    w.cluster_z1 = unit("3982-01", "Ashta cluster 1", "आष्टा संकुल 1", w.block_z)
    w.school_a = school(
        "23320100101", "GPS Kolar", "शा.प्रा.शा. कोलार", w.cluster_x1, Category.PRIMARY
    )
    w.school_b = school(
        "23320100201", "GMS Kolar", "शा.मा.शा. कोलार", w.cluster_x1, Category.MIDDLE
    )
    w.school_c = school(
        "23320200101", "GMS Berasia", "शा.मा.शा. बैरसिया", w.cluster_y1, Category.PRIMARY_MIDDLE
    )
    w.school_d = school(
        "23330100101",
        "GHSS Ashta",
        "शा.उ.मा.वि. आष्टा",
        w.cluster_z1,
        Category.HIGH_HIGHER_SECONDARY,
    )
    w.asha = person("23320100101", "Asha Verma", Role.HEAD_MASTER, w.school_a.unit, "9876500001")
    w.tarun = person("EMP1001", "Tarun Sahu", Role.TEACHER, w.school_a.unit, "9876500002")
    w.hari = person("23320200101", "Hari Patel", Role.HEAD_MASTER, w.school_c.unit, "9876500003")
    w.chetan = person("EMP2001", "Chetan Rai", Role.CLUSTER_OFFICER, w.cluster_x1, "9876500004")
    w.dev = person("EMP2501", "Dev Mishra", Role.DDO, w.block_x, "9876500005")
    w.bhavna = person("EMP3001", "Bhavna Singh", Role.BLOCK_OFFICER, w.block_x, "9876500006")
    w.yash = person("EMP3002", "Yash Tiwari", Role.BLOCK_OFFICER, w.block_y, "9876500007")
    w.dinesh = person("EMP4001", "Dinesh Jain", Role.DISTRICT_OFFICER, w.district_a, "9876500008")
    w.zoya = person("EMP4002", "Zoya Khan", Role.DISTRICT_OFFICER, w.district_b, "9876500009")
    w.sunita = person("EMP5001", "Sunita Yadav", Role.STATE_OFFICER, w.state, "9876500010")
    w.arjun = person("EMP5002", "Arjun Meena", Role.STATE_ADMIN, w.state, "9876500011")
    w.meera = person("EMP3501", "Meera Das", Role.MDM_OFFICER, w.block_x, "9876500012")
    return w
