"""Hand-built reference corridors Kazakhstan ↔ Pakistan as ``RouteFacts`` on the default place ids.

``daliz rules chain`` uses them until a planner supplies real alternatives; tests use them.

They fix the sequence of countries, modes and border crossings of each corridor kind the seed
names, not distances or times (those come from the network and the planner).
"""

from __future__ import annotations

from daliz.rules.model import LegFact, RouteFacts


def _leg(mode: str, a: str, b: str, ca: str, cb: str, gauge_mm: int | None = None) -> LegFact:
    return LegFact(mode, a, b, ca, cb, None, gauge_mm)


def uz_af_road() -> RouteFacts:
    """Road Kostanay – Shymkent – Zhibek Zholy – Termez/Hairatan – Kabul – Torkham – Karachi."""
    return RouteFacts.from_legs(
        [
            _leg("road", "kz-kostanay", "kz-shymkent", "KZ", "KZ"),
            _leg("road", "kz-shymkent", "bcp-zhibek-zholy", "KZ", "UZ"),
            _leg("road", "bcp-zhibek-zholy", "uz-termez", "UZ", "UZ"),
            _leg("road", "uz-termez", "bcp-termez-hairatan", "UZ", "AF"),
            _leg("road", "bcp-termez-hairatan", "af-kabul", "AF", "AF"),
            _leg("road", "af-kabul", "bcp-torkham", "AF", "PK"),
            _leg("road", "bcp-torkham", "pk-karachi-port", "PK", "PK"),
        ],
        corridor="KZ–UZ–AF–PK road via Termez/Hairatan and Torkham",
    )


def cn_kkh_road() -> RouteFacts:
    """Road Almaty – Khorgos – Kashgar – Khunjerab (KKH) – Islamabad – Karachi."""
    return RouteFacts.from_legs(
        [
            _leg("road", "kz-almaty", "bcp-khorgos", "KZ", "CN"),
            _leg("road", "bcp-khorgos", "cn-kashgar", "CN", "CN"),
            _leg("road", "cn-kashgar", "bcp-khunjerab", "CN", "PK"),
            _leg("road", "bcp-khunjerab", "pk-islamabad", "PK", "PK"),
            _leg("road", "pk-islamabad", "pk-karachi-port", "PK", "PK"),
        ],
        corridor="KZ–CN–PK road via Khorgos and the Karakoram Highway (Khunjerab)",
    )


def tm_ir_rail_sea() -> RouteFacts:
    """Rail Kostanay – Bolashak – Etrek/Inche Burun – Bandar Abbas, then sea to Karachi."""
    return RouteFacts.from_legs(
        [
            _leg("rail", "kz-kostanay", "kz-beyneu", "KZ", "KZ", 1520),
            _leg("rail", "kz-beyneu", "bcp-bolashak-serhetyaka", "KZ", "TM", 1520),
            _leg("rail", "bcp-bolashak-serhetyaka", "tm-bereket", "TM", "TM", 1520),
            _leg("rail", "tm-bereket", "bcp-etrek-inche-burun", "TM", "IR", 1520),
            _leg("rail", "bcp-etrek-inche-burun", "ir-bandar-abbas-port", "IR", "IR", 1435),
            _leg("sea", "ir-bandar-abbas-port", "pk-karachi-port", "IR", "PK"),
        ],
        corridor="KZ–TM–IR rail to Bandar Abbas, sea to Karachi",
    )


def tm_ir_road_taftan() -> RouteFacts:
    """Road Shymkent – Temirbaba – Sarakhs – Mashhad – Mirjaveh/Taftan – Quetta – Karachi."""
    return RouteFacts.from_legs(
        [
            _leg("road", "kz-shymkent", "bcp-temirbaba", "KZ", "TM"),
            _leg("road", "bcp-temirbaba", "tm-ashgabat", "TM", "TM"),
            _leg("road", "tm-ashgabat", "bcp-sarakhs", "TM", "IR"),
            _leg("road", "bcp-sarakhs", "ir-zahedan", "IR", "IR"),
            _leg("road", "ir-zahedan", "bcp-mirjaveh-taftan", "IR", "PK"),
            _leg("road", "bcp-mirjaveh-taftan", "pk-quetta", "PK", "PK"),
            _leg("road", "pk-quetta", "pk-karachi-port", "PK", "PK"),
        ],
        corridor="KZ–TM–IR–PK road via Sarakhs and Mirjaveh/Taftan",
    )


def tm_ir_rail_taftan() -> RouteFacts:
    """Rail Kostanay – Bolashak – Sarakhs – Zahedan – Mirjaveh/Taftan – Karachi (1676 mm)."""
    return RouteFacts.from_legs(
        [
            _leg("rail", "kz-kostanay", "bcp-bolashak-serhetyaka", "KZ", "TM", 1520),
            _leg("rail", "bcp-bolashak-serhetyaka", "bcp-sarakhs", "TM", "TM", 1520),
            _leg("rail", "bcp-sarakhs", "ir-zahedan", "TM", "IR", 1435),
            _leg("rail", "ir-zahedan", "bcp-mirjaveh-taftan", "IR", "PK", 1435),
            _leg("rail", "bcp-mirjaveh-taftan", "pk-karachi-port", "PK", "PK", 1676),
        ],
        corridor="KZ–TM–IR–PK rail via Sarakhs and Mirjaveh/Taftan",
    )


def trans_afghan_rail() -> RouteFacts:
    """Planned Trans-Afghan railway: Saryagash – Termez/Hairatan – Mazar – Logar – Kharlachi."""
    return RouteFacts.from_legs(
        [
            _leg("rail", "kz-kostanay", "bcp-saryagash-keles", "KZ", "UZ", 1520),
            _leg("rail", "bcp-saryagash-keles", "uz-termez", "UZ", "UZ", 1520),
            _leg("rail", "uz-termez", "bcp-termez-hairatan", "UZ", "AF", 1520),
            _leg("rail", "bcp-termez-hairatan", "af-logar", "AF", "AF", 1520),
            _leg("rail", "af-logar", "bcp-kharlachi", "AF", "PK", 1520),
            _leg("rail", "bcp-kharlachi", "pk-karachi-port", "PK", "PK", 1676),
        ],
        corridor="Trans-Afghan railway (planned) via Termez/Hairatan and Kharlachi",
    )


def reverse(route: RouteFacts) -> RouteFacts:
    """The same corridor travelled the other way (Pakistan → Kazakhstan)."""
    legs = [
        LegFact(
            leg.mode,
            leg.to_place,
            leg.from_place,
            leg.to_country,
            leg.from_country,
            leg.link_id,
            leg.gauge_mm,
        )
        for leg in reversed(route.legs)
    ]
    return RouteFacts.from_legs(legs, corridor=route.corridor)


def reference_alternatives(origin_country: str, destination_country: str) -> list[RouteFacts]:
    """The reference corridors between Kazakhstan and Pakistan in the requested direction."""
    routes = [uz_af_road(), cn_kkh_road(), tm_ir_rail_sea(), tm_ir_road_taftan()]
    if (origin_country, destination_country) == ("KZ", "PK"):
        return routes
    if (origin_country, destination_country) == ("PK", "KZ"):
        return [reverse(r) for r in routes]
    return []
