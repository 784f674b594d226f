"""The column registry: one table of every atlas column drives parsing, checks and docs.

Each :class:`Column` states its type, unit, range, whether it is required and what it means.
:func:`data_dictionary` renders the registry as the Markdown data dictionary in
``docs/data-dictionary.md`` (a test keeps that file in step with this module).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from tripp.units import ALL_MODES, CAPACITY_UNITS, FREIGHT_MODES, GAUGES_MM

ColumnType = Literal["str", "int", "float", "bool", "list", "country"]

STATUSES: Final = ("operating", "under_construction", "planned", "closed", "suspended")
NODE_KINDS: Final = (
    "city",
    "port",
    "rail_station",
    "border_crossing",
    "junction",
    "dry_port",
    "terminal",
    "gas_hub",
    "power_hub",
    "field",
    "waypoint",
)
CONFIDENCES: Final = ("high", "med", "low")
DIRECTIONS: Final = ("both", "forward")
CARRIERS: Final = ("gas", "power", "oil")
ENERGY_ROLES: Final = ("supply", "demand", "export", "swap", "peak_demand")
ENERGY_UNITS: Final = ("mcm_per_year", "mw", "gwh_per_year", "mb_per_day", "mcm_per_day")
#: Units of an annual contract quantity, per carrier.
CONTRACT_UNITS: Final = ("mcm_per_year", "gwh_per_year")
#: Units of a storage's working volume and of its injection and withdrawal rates.
STORAGE_VOLUME_UNITS: Final = ("mcm", "mwh")
STORAGE_RATE_UNITS: Final = ("mcm_per_day", "mw")
PLANT_FUELS: Final = ("gas",)
CAPACITY_UNIT_NAMES: Final = tuple(CAPACITY_UNITS)
#: Capacity units a border crossing may use: those the freight assignment converts to t/year.
CROSSING_CAPACITY_UNITS: Final = (
    "t_per_year",
    "mt_per_year",
    "teu_per_year",
    "vehicles_per_day",
    "trains_per_day",
)
GAUGE_CHOICES: Final = tuple(str(g) for g in GAUGES_MM)
#: What a project builds.
PROJECT_KINDS: Final = ("rail", "road", "pipeline", "power", "fibre", "port", "sea", "multimodal")
ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One parsed CSV row: its line number and typed values (None where the cell is empty)."""

    line: int
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an atlas table."""

    name: str
    type: ColumnType
    description: str
    unit: str = ""
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    pattern: str = ""
    references: str = ""  # "table.column" that every value (or list item) must exist in


@dataclass(frozen=True, slots=True)
class Table:
    """One atlas table: its file, its key and its columns."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = True

    @property
    def filename(self) -> str:
        """The CSV file that holds the table."""
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _provenance() -> tuple[Column, ...]:
    """The columns every table with figures carries: sources, estimate flag and method."""
    return (
        Column(
            "source_ids",
            "list",
            "sources of the row's figures, ';'-separated ids of sources.csv",
            required=True,
            references="sources.source_id",
        ),
        Column(
            "estimated",
            "bool",
            "true when a figure of the row was derived by tripp rather than published",
        ),
        Column("method", "str", "how an estimated figure was derived (required when estimated)"),
        Column("note", "str", "free text: conflicts between sources, caveats"),
    )


SOURCES = Table(
    "sources",
    "Every figure's provenance.",
    (
        Column(
            "source_id", "str", "unique id cited by source_ids", required=True, pattern=ID_PATTERN
        ),
        Column("title", "str", "title of the document or page", required=True),
        Column("publisher", "str", "organisation or outlet that published it", required=True),
        Column("url", "str", "address of the document", required=True, pattern=r"^https?://"),
        Column(
            "year", "int", "year the figure refers to or was published", "year", True, 1850, 2100
        ),
        Column(
            "confidence",
            "str",
            "how far the figure can be trusted",
            required=True,
            choices=CONFIDENCES,
        ),
        Column("note", "str", "what the source says, in our words"),
    ),
    key=("source_id",),
)

NODES = Table(
    "nodes",
    "Places: cities, ports, stations, border crossings, junctions, terminals, energy hubs.",
    (
        Column("node_id", "str", "unique id", required=True, pattern=ID_PATTERN),
        Column("name", "str", "English name", required=True),
        Column("alt_names", "list", "other spellings and names, ';'-separated"),
        Column("kind", "str", "what the place is", required=True, choices=NODE_KINDS),
        Column(
            "country",
            "country",
            "ISO 3166-1 alpha-2 code (XZ: international waters)",
            required=True,
        ),
        Column("region", "str", "sub-national region, e.g. Nakhchivan, Syunik"),
        Column("lon", "float", "longitude, WGS 84", "degree", True, -180, 180),
        Column("lat", "float", "latitude, WGS 84", "degree", True, -90, 90),
        *_provenance(),
    ),
    key=("node_id",),
)

LINKS = Table(
    "links",
    "Connections between nodes, by mode; a function of the year through status and open_year.",
    (
        Column("link_id", "str", "unique id", required=True, pattern=ID_PATTERN),
        Column("from_node", "str", "start node", required=True, references="nodes.node_id"),
        Column("to_node", "str", "end node", required=True, references="nodes.node_id"),
        Column(
            "direction",
            "str",
            "'both' (default) or 'forward' (from_node to to_node only)",
            choices=DIRECTIONS,
        ),
        Column("mode", "str", "transport or energy mode", required=True, choices=ALL_MODES),
        Column(
            "country",
            "country",
            "country the link lies in (required when its ends are in different countries; "
            "XZ for international waters)",
        ),
        Column("length_km", "float", "length along the alignment", "km", True, 0.01, 40000),
        Column("speed_kmh", "float", "average commercial speed of freight", "km/h", False, 1, 200),
        Column(
            "time_h",
            "float",
            "running time end to end (overrides speed_kmh)",
            "h",
            False,
            0.01,
            2000,
        ),
        Column("capacity", "float", "capacity in capacity_unit", "capacity_unit", False, 0),
        Column("capacity_unit", "str", "unit of capacity", choices=CAPACITY_UNIT_NAMES),
        Column(
            "gauge_mm",
            "int",
            "track gauge (rail only, required there)",
            "mm",
            choices=GAUGE_CHOICES,
        ),
        Column(
            "status",
            "str",
            "operating, under_construction, planned, closed or suspended",
            required=True,
            choices=STATUSES,
        ),
        Column(
            "open_year", "int", "year the link opened or is due to open", "year", False, 1850, 2100
        ),
        Column("corridors", "list", "corridor tags, ';'-separated (TRIPP, BTK, TITR, INSTC, …)"),
        *_provenance(),
    ),
    key=("link_id",),
)

CROSSINGS = Table(
    "crossings",
    "Border-crossing processes at a node, per direction and mode. The mode is that of the leg "
    "entering to_country.",
    (
        Column(
            "node_id",
            "str",
            "node where the border is crossed",
            required=True,
            references="nodes.node_id",
        ),
        Column("from_country", "country", "country left", required=True),
        Column("to_country", "country", "country entered", required=True),
        Column(
            "mode",
            "str",
            "mode of the leg entering to_country",
            required=True,
            choices=FREIGHT_MODES,
        ),
        Column("dwell_h", "float", "time to clear the crossing", "h", True, 0, 2000),
        Column(
            "cost_usd_per_teu",
            "float",
            "fees and charges per TEU (or 20-t load)",
            "USD",
            True,
            0,
            100000,
        ),
        Column(
            "capacity",
            "float",
            "throughput of the crossing in this direction, in capacity_unit (empty: unknown)",
            "capacity_unit",
            False,
            0,
        ),
        Column(
            "capacity_unit",
            "str",
            "unit of capacity (a freight unit: t_per_year, mt_per_year, teu_per_year, "
            "vehicles_per_day or trains_per_day)",
            choices=CROSSING_CAPACITY_UNITS,
        ),
        Column("status", "str", "operating (default) or another status", choices=STATUSES),
        Column(
            "open_year",
            "int",
            "year the crossing opened or is due to open",
            "year",
            False,
            1850,
            2100,
        ),
        *_provenance(),
    ),
    key=("node_id", "from_country", "to_country", "mode"),
)

TRANSFERS = Table(
    "transfers",
    "Mode changes, transshipment and gauge changes allowed at a node.",
    (
        Column(
            "node_id",
            "str",
            "node where the transfer happens",
            required=True,
            references="nodes.node_id",
        ),
        Column("from_mode", "str", "mode arrived by", required=True, choices=FREIGHT_MODES),
        Column(
            "from_gauge_mm",
            "int",
            "gauge arrived on (rail; empty: any)",
            "mm",
            choices=GAUGE_CHOICES,
        ),
        Column("to_mode", "str", "mode left by", required=True, choices=FREIGHT_MODES),
        Column(
            "to_gauge_mm", "int", "gauge left on (rail; empty: any)", "mm", choices=GAUGE_CHOICES
        ),
        Column("time_h", "float", "time the transfer takes", "h", True, 0, 2000),
        Column("cost_usd_per_teu", "float", "handling cost per TEU", "USD", True, 0, 100000),
        Column("capacity", "float", "capacity in capacity_unit", "capacity_unit", False, 0),
        Column("capacity_unit", "str", "unit of capacity", choices=CAPACITY_UNIT_NAMES),
        Column("bidirectional", "bool", "true (default): also allowed from to_mode to from_mode"),
        Column(
            "cargo_types",
            "list",
            "cargo types that may make this transfer, ';'-separated ids of cargo_types.csv "
            "(empty: container only)",
        ),
        *_provenance(),
    ),
    key=("node_id", "from_mode", "from_gauge_mm", "to_mode", "to_gauge_mm", "cargo_types"),
)

TARIFFS = Table(
    "tariffs",
    "Line-haul cost parameters by mode, country and cargo type ('*' applies where no country "
    "row exists). A row must give the cost in the unit of its cargo type (cargo_types.csv "
    "unit: TEU, t or truck).",
    (
        Column("mode", "str", "freight mode", required=True, choices=FREIGHT_MODES),
        Column("country", "str", "ISO alpha-2 code, XZ, or '*' for any country", required=True),
        Column(
            "cargo_type",
            "str",
            "cargo type the tariff applies to, an id of cargo_types.csv (empty: container)",
            pattern=ID_PATTERN,
        ),
        Column(
            "cost_usd_per_teu_km",
            "float",
            "line-haul cost per TEU-km (required for a cargo type counted in TEU)",
            "USD/(TEU km)",
            False,
            0,
            100,
        ),
        Column(
            "cost_usd_per_t_km",
            "float",
            "line-haul cost per tonne-km (required for a cargo type counted in t)",
            "USD/(t km)",
            False,
            0,
            10,
        ),
        Column(
            "cost_usd_per_truck_km",
            "float",
            "line-haul cost per truck-km (required for a cargo type counted in trucks)",
            "USD/(truck km)",
            False,
            0,
            100,
        ),
        Column("price_year", "int", "price year of the USD figures", "year", True, 1990, 2100),
        *_provenance(),
    ),
    key=("mode", "country", "cargo_type"),
)

#: Units a cargo type is counted in, and the tariffs.csv column of each.
CARGO_UNITS: Final = ("TEU", "t", "truck")
TARIFF_COLUMN_OF_UNIT: Final = {
    "TEU": "cost_usd_per_teu_km",
    "t": "cost_usd_per_t_km",
    "truck": "cost_usd_per_truck_km",
}

CARGO_TYPES = Table(
    "cargo_types",
    "What each cargo type is, the unit it is counted in and the modes it may use. Without "
    "this table the atlas knows one cargo type, container (TEU, every freight mode).",
    (
        Column("cargo_type", "str", "unique id", required=True, pattern=ID_PATTERN),
        Column("name", "str", "English name", required=True),
        Column("unit", "str", "unit costs are given per", required=True, choices=CARGO_UNITS),
        Column(
            "t_per_unit",
            "float",
            "tonnes of cargo per unit (converts per-TEU transfer and crossing costs)",
            "t",
            True,
            0.001,
            100000,
        ),
        Column("modes", "list", "freight modes it may use, ';'-separated", required=True),
        Column("value_usd_per_unit", "float", "value of the cargo per unit", "USD", False, 0),
        Column(
            "vot_usd_per_unit_h",
            "float",
            "value of time per unit and hour",
            "USD/(unit h)",
            True,
            0,
            100000,
        ),
        *_provenance(),
    ),
    key=("cargo_type",),
    required=False,
)

SERVICES = Table(
    "services",
    "Scheduled departures (ferries, block trains, sea lines) and the dwell before them. A "
    "consignment that boards a service (starts at node_id, or arrives there by another mode, "
    "gauge or country) waits 84 / departures_per_week h (half the headway) + dwell_h; "
    "through traffic on the same rail layer does not wait.",
    (
        Column("service_id", "str", "unique id", required=True, pattern=ID_PATTERN),
        Column(
            "node_id", "str", "node the service departs", required=True, references="nodes.node_id"
        ),
        Column("mode", "str", "mode of the service", required=True, choices=FREIGHT_MODES),
        Column(
            "to_node",
            "str",
            "next node (the service runs on the links of its mode from node_id to to_node; "
            "empty: every link of its mode leaving node_id)",
            references="nodes.node_id",
        ),
        Column(
            "departures_per_week",
            "float",
            "departures a week",
            "1/week",
            True,
            0.001,
            10000,
        ),
        Column("dwell_h", "float", "published dwell before departure", "h", True, 0, 2000),
        Column(
            "cargo_types",
            "list",
            "cargo types the service carries, ';'-separated ids of cargo_types.csv",
            required=True,
        ),
        Column("status", "str", "operating (default) or another status", choices=STATUSES),
        Column(
            "open_year", "int", "year the service started or is due to", "year", False, 1850, 2100
        ),
        *_provenance(),
    ),
    key=("service_id",),
    required=False,
)

ENERGY = Table(
    "energy",
    "Supply, demand, export offtake, swaps and peak-day demand of gas, oil and power at "
    "nodes. Per node, carrier and role the latest row not after a run's year is used; a row "
    "of value 0 ends a flow (a suspended swap).",
    (
        Column("node_id", "str", "node", required=True, references="nodes.node_id"),
        Column("carrier", "str", "gas, power or oil", required=True, choices=CARRIERS),
        Column(
            "role",
            "str",
            "supply; demand (domestic consumption: a shortfall is lost load); export (an "
            "export offtake: a shortfall is lost export revenue); swap; peak_demand (the "
            "published peak-day gas demand of the node's country or region, mcm_per_day)",
            required=True,
            choices=ENERGY_ROLES,
        ),
        Column("value", "float", "quantity in unit", "unit", True, 0),
        Column("unit", "str", "unit of value", required=True, choices=ENERGY_UNITS),
        Column("year", "int", "year the figure refers to", "year", True, 1990, 2100),
        Column(
            "profile_id",
            "str",
            "monthly shape of the row, an id of seasons.csv (empty: flat over the year)",
            references="seasons.profile_id",
        ),
        *_provenance(),
    ),
    key=("node_id", "carrier", "role", "year"),
    required=False,
)

SEASONS = Table(
    "seasons",
    "Monthly shapes of energy rows: the share of the annual volume that falls in each "
    "calendar month; a profile's 12 shares sum to 1.",
    (
        Column("profile_id", "str", "profile id", required=True, pattern=ID_PATTERN),
        Column("month", "int", "calendar month", "month", True, 1, 12),
        Column("share", "float", "share of the annual volume in the month", "0-1", True, 0, 1),
        *_provenance(),
    ),
    key=("profile_id", "month"),
    required=False,
)

CONTRACTS = Table(
    "contracts",
    "Supply contracts: once an atlas has a contract of a carrier, a demand or export of it "
    "in country B is served only by supplies in B or by sellers with a contract to B in "
    "force that year, up to the contracts' annual quantity.",
    (
        Column("contract_id", "str", "unique id", required=True, pattern=ID_PATTERN),
        Column("carrier", "str", "gas or power", required=True, choices=("gas", "power")),
        Column("seller", "country", "country whose supplies sell", required=True),
        Column("buyer", "country", "country whose demand buys", required=True),
        Column("value", "float", "annual contract quantity (maximum)", "unit", True, 0),
        Column("unit", "str", "unit of value", required=True, choices=CONTRACT_UNITS),
        Column(
            "take_or_pay_share",
            "float",
            "share of value the buyer pays for whether taken or not, where published",
            "0-1",
            False,
            0,
            1,
        ),
        Column("year_from", "int", "first year in force", "year", True, 1990, 2100),
        Column(
            "year_to", "int", "last year in force (empty: open-ended)", "year", False, 1990, 2100
        ),
        *_provenance(),
    ),
    key=("contract_id",),
    required=False,
)

STORAGE = Table(
    "storage",
    "Gas storage (or power storage) at a node: it serves the demand at its node, cyclic "
    "over the year.",
    (
        Column("storage_id", "str", "unique id", required=True, pattern=ID_PATTERN),
        Column("node_id", "str", "node", required=True, references="nodes.node_id"),
        Column("carrier", "str", "gas or power", required=True, choices=("gas", "power")),
        Column("working_volume", "float", "working (active) volume", "volume_unit", True, 0),
        Column(
            "volume_unit",
            "str",
            "mcm (gas) or mwh (power)",
            required=True,
            choices=STORAGE_VOLUME_UNITS,
        ),
        Column("injection", "float", "maximum injection rate", "rate_unit", True, 0),
        Column("withdrawal", "float", "maximum withdrawal rate", "rate_unit", True, 0),
        Column(
            "rate_unit",
            "str",
            "mcm_per_day (gas) or mw (power)",
            required=True,
            choices=STORAGE_RATE_UNITS,
        ),
        Column("status", "str", "operating (default) or another status", choices=STATUSES),
        Column("open_year", "int", "year it opened or is due to", "year", False, 1850, 2100),
        *_provenance(),
    ),
    key=("storage_id",),
    required=False,
)

PLANTS = Table(
    "plants",
    "Gas-fired power plants: each burns gas delivered to its node and feeds the node's "
    "power bus, so a gas shortfall becomes a power shortfall.",
    (
        Column("plant_id", "str", "unique id", required=True, pattern=ID_PATTERN),
        Column("node_id", "str", "node", required=True, references="nodes.node_id"),
        Column("fuel", "str", "fuel burnt", required=True, choices=PLANT_FUELS),
        Column("capacity_mw", "float", "electric output capacity", "MW", True, 0, 100000),
        Column(
            "efficiency_mwh_per_mcm",
            "float",
            "electricity sent out per mcm of gas burnt",
            "MWh/mcm",
            True,
            100,
            10000,
        ),
        Column("status", "str", "operating (default) or another status", choices=STATUSES),
        Column("open_year", "int", "year it opened or is due to", "year", False, 1850, 2100),
        *_provenance(),
    ),
    key=("plant_id",),
    required=False,
)

DEMAND = Table(
    "demand",
    "Freight flows between places in their reference year (the base year, or the year a "
    "market opened). A later year's flow is derived: t_per_year × (1 + cagr_pct / 100) ^ "
    "(year − reference year), by the row's growth path (growth.csv); see docs/demand.md.",
    (
        Column("origin", "str", "origin node", required=True, references="nodes.node_id"),
        Column("destination", "str", "destination node", required=True, references="nodes.node_id"),
        Column("commodity", "str", "commodity (free text: grain, oil products...)", required=True),
        Column(
            "cargo_type",
            "str",
            "how it travels, an id of cargo_types.csv",
            required=True,
            pattern=ID_PATTERN,
        ),
        Column(
            "market",
            "str",
            "market segment: rows that split one published total share its id",
            required=True,
            pattern=ID_PATTERN,
        ),
        Column("year", "int", "reference year of the flow", "year", True, 1990, 2100),
        Column("t_per_year", "float", "tonnes per year", "t/year", True, 0),
        Column("teu_per_year", "float", "TEU per year (container rows)", "TEU/year", False, 0),
        Column(
            "modes",
            "list",
            "freight modes the market's cargo may use, ';'-separated, where the market is "
            "defined by them (e.g. China–Europe rail); empty: every mode of its cargo type",
        ),
        Column(
            "vot_usd_per_unit_h",
            "float",
            "the market's own value of time per unit and hour, where it differs from its cargo "
            "type's (empty: cargo_types.csv)",
            "USD/(unit h)",
            False,
            0,
            100000,
        ),
        Column(
            "growth_id",
            "str",
            "growth path to later years, an id of growth.csv",
            required=True,
            references="growth.growth_id",
        ),
        *_provenance(),
    ),
    key=("origin", "destination", "commodity", "cargo_type", "market"),
    required=False,
)

GROWTH = Table(
    "growth",
    "Growth paths of freight demand: the compound annual rate a demand row grows by after "
    "its reference year.",
    (
        Column("growth_id", "str", "unique id", required=True, pattern=ID_PATTERN),
        Column("name", "str", "what grows", required=True),
        Column("cagr_pct", "float", "compound annual growth rate", "%/year", True, -50, 100),
        *_provenance(),
    ),
    key=("growth_id",),
    required=False,
)

PROJECTS = Table(
    "projects",
    "Projects the appraisal costs: what each builds (the atlas elements it opens or "
    "upgrades), its capital cost by year, running cost and life. A scenario appraised "
    "against another carries the cost of every project with an element that differs.",
    (
        Column("project_id", "str", "unique id", required=True, pattern=ID_PATTERN),
        Column("name", "str", "name", required=True),
        Column("kind", "str", "what it builds", required=True, choices=PROJECT_KINDS),
        Column("country", "country", "host country (where it is built)", required=True),
        Column("owner", "str", "who builds, owns or runs it", required=True),
        Column(
            "elements",
            "list",
            "atlas elements it opens or upgrades, as scenario selectors: link:ID, "
            "crossing:NODE:FROM:TO:MODE, transfer:NODE:FROM:TO, storage:ID, plant:ID",
            required=True,
        ),
        Column("capex_usd", "float", "capital cost, in price_year prices", "USD", True, 0, 1e11),
        Column("price_year", "int", "price year of capex_usd and opex", "year", True, 1990, 2100),
        Column("construction_start", "int", "first year of spending", "year", True, 1990, 2100),
        Column("construction_years", "int", "years of spending", "years", True, 1, 30),
        Column(
            "capex_profile_pct",
            "list",
            "share of capex spent in each construction year, summing to 100 (empty: even)",
            "%",
        ),
        Column(
            "opex_usd_per_year",
            "float",
            "operation and maintenance once open, in price_year prices",
            "USD/year",
            True,
            0,
            1e10,
        ),
        Column("economic_life_years", "int", "economic life", "years", True, 1, 100),
        *_provenance(),
    ),
    key=("project_id",),
    required=False,
)

TABLES: Final[dict[str, Table]] = {
    table.name: table
    for table in (
        SOURCES,
        NODES,
        LINKS,
        CROSSINGS,
        TRANSFERS,
        TARIFFS,
        ENERGY,
        SEASONS,
        CONTRACTS,
        STORAGE,
        PLANTS,
        DEMAND,
        GROWTH,
        CARGO_TYPES,
        SERVICES,
        PROJECTS,
    )
}


def data_dictionary() -> str:
    """Render the registry as Markdown: one section per table, one row per column.

    >>> data_dictionary().splitlines()[0]
    '# Atlas data dictionary'
    """
    lines = [
        "# Atlas data dictionary",
        "",
        "Generated from `src/tripp/atlas/schema.py` by `tripp atlas dictionary`; do not edit.",
        "Lists are ';'-separated. Booleans are `true`/`false`. Empty cells mean 'not given'.",
        "",
    ]
    for table in TABLES.values():
        need = "required" if table.required else "optional"
        lines += [f"## {table.filename} ({need})", "", table.description, ""]
        lines += [f"Key: {', '.join(table.key)}.", ""]
        lines += ["| column | type | unit | required | range / choices | description |"]
        lines += ["|---|---|---|---|---|---|"]
        for c in table.columns:
            bounds = ""
            if c.choices:
                bounds = ", ".join(c.choices)
            elif c.minimum is not None or c.maximum is not None:
                low = "" if c.minimum is None else f"{c.minimum:g}"
                high = "" if c.maximum is None else f"{c.maximum:g}"
                bounds = f"{low} … {high}"
            if c.references:
                bounds = (bounds + " " if bounds else "") + f"→ {c.references}"
            required = "yes" if c.required else ""
            lines.append(
                f"| `{c.name}` | {c.type} | {c.unit} | {required} | {bounds} | {c.description} |"
            )
        lines.append("")
    return "\n".join(lines)
