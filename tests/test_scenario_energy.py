"""Scenarios that change the energy tables: [[set]] on energy rows, contracts, storage and
plants; [[contract]] and [[energy]] blocks that add rows; open/close of storage and plants;
and the shipped energy scenarios."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tripp
from tripp.atlas.model import Contract, Plant, Storage
from tripp.cli.main import app
from tripp.errors import InputError
from tripp.scenarios import apply_scenario, load_scenario

runner = CliRunner()
SHIPPED = (
    "az-gas-to-armenia",
    "az-gas-to-armenia-tripp",
    "iran-armenia-swap-doubled",
    "nakhchivan-azerbaijani-supply",
)


@pytest.fixture(scope="module")
def atlas() -> tripp.Atlas:
    """The embedded atlas with one contract, one storage and one plant of its own (the
    shipped atlas may have none yet)."""
    base = tripp.load_atlas()
    return dataclasses.replace(
        base,
        contracts=(
            Contract(
                source_ids=("aliqmedia_am_gas_2022",),
                contract_id="ru_am_gas",
                carrier="gas",
                seller="RU",
                buyer="AM",
                value=2600.0,
                unit="mcm_per_year",
                take_or_pay_share=0.5,
                year_from=2014,
                year_to=2030,
            ),
        ),
        storage=(
            Storage(
                source_ids=("aliqmedia_am_gas_2022",),
                storage_id="abovyan_ugs",
                node_id="ararat",
                carrier="gas",
                working_volume=135.0,
                volume_unit="mcm",
                injection=1.0,
                withdrawal=2.0,
                rate_unit="mcm_per_day",
            ),
        ),
        plants=(
            Plant(
                source_ids=("arminfo_am_power_2023",),
                plant_id="hrazdan_tpp",
                node_id="hrazdan",
                capacity_mw=440.0,
                efficiency_mwh_per_mcm=3720.0,
            ),
        ),
    )


def write(tmp_path: Path, body: str, name: str = "s.toml") -> Path:
    """A scenario file: line 1 is the description, ``body`` starts on line 2."""
    file = tmp_path / name
    file.write_text('description = "test"\n' + body, encoding="utf-8")
    return file


def set_block(target: str, field: str, number: str) -> str:
    """A [[set]] block of four lines: header, target, field, ``number`` (value or factor)."""
    return f'[[set]]\ntarget = "{target}"\nfield = "{field}"\n{number}\n'


def problems(file: Path, atlas: tripp.Atlas) -> list[str]:
    """The lines of the error that loading ``file`` raises (after the count line)."""
    with pytest.raises(InputError) as caught:
        load_scenario(file, atlas)
    return (
        str(caught.value).splitlines()[1:]
        if len(caught.value.problems) > 1
        else [str(caught.value.problems[0])]
    )


def rows(atlas: tripp.Atlas, node: str, carrier: str, role: str) -> dict[int, float]:
    return {
        r.year: r.value
        for r in atlas.energy
        if (r.node_id, r.carrier, r.role) == (node, carrier, role)
    }


# --- [[set]] on energy rows -------------------------------------------------------------


def test_the_shipped_swap_doubled_scenario_doubles_both_sides_of_the_swap() -> None:
    base = tripp.load_atlas()
    network = tripp.scenario(base, "iran-armenia-swap-doubled")
    for node, carrier in (("meghri", "gas"), ("tabriz", "power")):
        before = rows(base, node, carrier, "swap")
        after = rows(network.atlas, node, carrier, "swap")
        assert before and set(after) == set(before)
        assert after == {year: 2 * value for year, value in before.items()}
    # everything else is untouched
    assert rows(network.atlas, "jolfa_ir", "gas", "swap") == rows(base, "jolfa_ir", "gas", "swap")
    assert network.atlas.energy != base.energy


def test_set_energy_by_value_changes_every_year_of_the_row(
    atlas: tripp.Atlas, tmp_path: Path
) -> None:
    file = write(tmp_path, set_block("energy:jolfa_ir:gas:swap", "value", "value = 0"))
    applied = apply_scenario(atlas, load_scenario(file, atlas))
    years = rows(atlas, "jolfa_ir", "gas", "swap")
    assert len(years) >= 2 and any(years.values())
    assert rows(applied, "jolfa_ir", "gas", "swap") == dict.fromkeys(years, 0)


def test_unknown_energy_targets_name_line_target_and_what_exists(
    atlas: tripp.Atlas, tmp_path: Path
) -> None:
    file = write(
        tmp_path,
        '[[set]]\ntarget = "energy:megri:gas:swap"\nfield = "value"\nfactor = 2\n\n'
        '[[set]]\ntarget = "energy:meghri:gas:swop"\nfield = "value"\nfactor = 2\n\n'
        '[[set]]\ntarget = "energy:meghri:power:supply"\nfield = "value"\nfactor = 2\n\n'
        '[[set]]\ntarget = "energy:meghri:gas"\nfield = "value"\nfactor = 2\n\n'
        '[[set]]\ntarget = "energy:meghri:gas:swap"\nfield = "capacity"\nfactor = 2\n',
    )
    lines = problems(file, atlas)
    assert len(lines) == 5
    assert lines[0].startswith(f"{file}:3: target: 'energy:megri:gas:swap' selects no energy row")
    assert "unknown node 'megri'; did you mean 'meghri'?" in lines[0]
    assert 'fix: write target = "energy:NODE:CARRIER:ROLE"' in lines[0]
    assert lines[1].startswith(f"{file}:8: target:") and "did you mean 'swap'?" in lines[1]
    assert lines[2].startswith(f"{file}:13: target:")
    assert "no power supply row at meghri; the energy rows of meghri are gas:swap" in lines[2]
    assert lines[3].startswith(f"{file}:18: target:") and "energy:NODE:CARRIER:ROLE" in lines[3]
    assert lines[4].startswith(f"{file}:24: field: energy has no numeric field 'capacity'")


def test_an_energy_factor_that_makes_a_negative_value_is_refused(
    atlas: tripp.Atlas, tmp_path: Path
) -> None:
    file = write(tmp_path, set_block("energy:meghri:gas:swap", "value", "value = -1"))
    (line,) = problems(file, atlas)
    assert line.startswith(f"{file}:5: value: [[set]] for energy:meghri:gas:swap: value -1")
    assert "outside [0, ∞) in the row's unit" in line


# --- [[set]] on contracts, storage, plants; open/close ------------------------------------


def test_set_contract_storage_and_plant_fields(atlas: tripp.Atlas, tmp_path: Path) -> None:
    file = write(
        tmp_path,
        '[[set]]\ntarget = "contract:ru_am_gas"\nfield = "value"\nfactor = 0.5\n\n'
        '[[set]]\ntarget = "contract:ru_am_gas"\nfield = "year_to"\nvalue = 2026\n\n'
        '[[set]]\ntarget = "contract:ru_am_gas"\nfield = "take_or_pay_share"\nvalue = 0.8\n\n'
        '[[set]]\ntarget = "storage:abovyan_ugs"\nfield = "working_volume"\nvalue = 200\n\n'
        '[[set]]\ntarget = "plant:hrazdan_tpp"\nfield = "capacity_mw"\nfactor = 0.5\n',
    )
    applied = apply_scenario(atlas, load_scenario(file, atlas))
    (contract,) = applied.contracts
    assert (contract.value, contract.year_to, contract.take_or_pay_share) == (1300, 2026, 0.8)
    assert isinstance(contract.year_to, int)
    assert applied.storage[0].working_volume == 200
    assert applied.plants[0].capacity_mw == 220
    assert atlas.contracts[0].value == 2600  # the base atlas is never changed


def test_contract_storage_and_plant_errors(atlas: tripp.Atlas, tmp_path: Path) -> None:
    file = write(
        tmp_path,
        '[[set]]\ntarget = "contract:ru_am_gaz"\nfield = "value"\nfactor = 2\n\n'
        '[[set]]\ntarget = "contract:ru_am_gas"\nfield = "year_from"\nfactor = 2\n\n'
        '[[set]]\ntarget = "contract:ru_am_gas"\nfield = "take_or_pay_share"\nvalue = 1.5\n\n'
        '[[set]]\ntarget = "storage:abovian_ugs"\nfield = "injection"\nfactor = 2\n\n'
        '[[set]]\ntarget = "plant:hrazdan_tpp"\nfield = "efficiency_mwh_per_mcm"\nvalue = 50\n\n'
        '[[set]]\ntarget = "contract:ru_am_gas"\nfield = "year_to"\nvalue = 2030.5\n',
    )
    lines = problems(file, atlas)
    assert len(lines) == 6
    assert lines[0] == (
        f"{file}:3: target: unknown contract 'ru_am_gaz' — fix: did you mean 'contract:ru_am_gas'?"
    )
    assert lines[1].startswith(f"{file}:10: factor: [[set]] for contract:ru_am_gas: factor 2")
    assert "year_from is a year, given by value only" in lines[1]
    assert lines[2].startswith(f"{file}:15: value:") and "outside [0, 1] 0-1" in lines[2]
    assert "did you mean 'storage:abovyan_ugs'?" in lines[3] and lines[3].startswith(f"{file}:18:")
    assert lines[4].startswith(f"{file}:25: value:") and "[100, 10000] MWh/mcm" in lines[4]
    assert lines[5].startswith(f"{file}:30: value:") and "is not a whole number" in lines[5]


def test_a_factor_or_year_that_leaves_its_range_is_reported(
    atlas: tripp.Atlas, tmp_path: Path
) -> None:
    file = write(
        tmp_path,
        '[[set]]\ntarget = "contract:ru_am_gas"\nfield = "take_or_pay_share"\nfactor = 3\n\n'
        '[[set]]\ntarget = "contract:ru_am_gas"\nfield = "year_to"\nvalue = 2000\n',
    )
    lines = problems(file, atlas)
    assert len(lines) == 2
    assert lines[0].startswith(f"{file}:5: factor: [[set]] for contract:ru_am_gas: factor takes")
    assert "take_or_pay_share 1.5 outside [0, 1]" in lines[0]
    assert "year_to 2000 outside [2014, 2100]" in lines[1]


def test_open_and_close_storage_and_plants(atlas: tripp.Atlas, tmp_path: Path) -> None:
    closed = dataclasses.replace(
        atlas, storage=(dataclasses.replace(atlas.storage[0], status="planned", open_year=2030),)
    )
    file = write(tmp_path, 'open = ["storage:abovyan_ugs"]\nclose = ["plant:hrazdan_tpp"]\n')
    applied = apply_scenario(closed, load_scenario(file, closed))
    assert (applied.storage[0].status, applied.storage[0].open_year) == ("operating", None)
    assert applied.plants[0].status == "closed" and atlas.plants[0].status == "operating"
    bad = write(tmp_path, 'close = ["plant:hrazdan"]\n', "bad.toml")
    (line,) = problems(bad, atlas)
    assert line.startswith(f"{bad}:2: close: unknown plant 'hrazdan'")
    assert "did you mean 'plant:hrazdan_tpp'?" in line


# --- [[contract]] and [[energy]] blocks ---------------------------------------------------

CONTRACT = """
[[contract]]
contract_id = "az_am_test"
carrier = "gas"
seller = "AZ"
buyer = "AM"
value = 500
unit = "mcm_per_year"
year_from = 2026
source_ids = ["vestikavkaza_az_gas_armenia_2024"]
estimated = true
method = "scenario parameter"
"""


def test_a_contract_block_adds_a_contract(atlas: tripp.Atlas, tmp_path: Path) -> None:
    file = write(tmp_path, CONTRACT)
    network = tripp.scenario(atlas, file)
    added = [c for c in network.atlas.contracts if c.contract_id == "az_am_test"]
    assert len(added) == 1 and len(network.atlas.contracts) == len(atlas.contracts) + 1
    contract = added[0]
    assert (contract.seller, contract.buyer, contract.value, contract.year_from) == (
        "AZ",
        "AM",
        500.0,
        2026,
    )
    assert contract.source_ids == ("vestikavkaza_az_gas_armenia_2024",) and contract.estimated
    assert contract.year_to is None and contract.in_force(2030)
    data = network.applied().to_dict()
    assert data["contract"] == [
        {
            "contract_id": "az_am_test",
            "carrier": "gas",
            "seller": "AZ",
            "buyer": "AM",
            "value": 500.0,
            "unit": "mcm_per_year",
            "take_or_pay_share": None,
            "year_from": 2026,
            "year_to": None,
            "source_ids": ["vestikavkaza_az_gas_armenia_2024"],
            "estimated": True,
            "method": "scenario parameter",
            "note": "",
        }
    ]
    assert data["energy"] == []


def test_a_set_can_change_a_contract_the_file_adds(atlas: tripp.Atlas, tmp_path: Path) -> None:
    file = write(
        tmp_path, CONTRACT + "\n" + set_block("contract:az_am_test", "value", "value = 900")
    )
    applied = apply_scenario(atlas, load_scenario(file, atlas))
    assert [c.value for c in applied.contracts if c.contract_id == "az_am_test"] == [900]


def test_contract_block_errors_name_line_and_fix(atlas: tripp.Atlas, tmp_path: Path) -> None:
    body = (
        CONTRACT.replace('"az_am_test"', '"ru_am_gas"')
        + CONTRACT.replace('buyer = "AM"', 'buyer = "AZ"').replace("az_am_test", "self")
        + CONTRACT.replace('"mcm_per_year"', '"gwh_per_year"').replace("az_am_test", "unit")
        + CONTRACT.replace('seller = "AZ"', 'seller = "XX"').replace("az_am_test", "country")
        + CONTRACT.replace("vestikavkaza_az_gas_armenia_2024", "nosuch_source").replace(
            "az_am_test", "src"
        )
        + CONTRACT.replace('method = "scenario parameter"', "valeu = 3").replace(
            "az_am_test", "keys"
        )
    )
    lines = problems(write(tmp_path, body), atlas)
    text = "\n".join(lines)
    assert "[[contract]] ru_am_gas: the id is taken" in text
    assert 'target = "contract:ru_am_gas"' in text
    assert "[[contract]] self: contract 'self' has seller and buyer AZ" in text
    assert "[[contract]] unit: contract 'unit' is gas in gwh_per_year" in text
    assert "unknown country code 'XX'" in text
    assert "unknown source 'nosuch_source'" in text
    assert "[[contract]] keys: unknown key 'valeu' — fix: did you mean 'value'?" in text
    assert "[[contract]] keys: the row is estimated and has no method" in text
    # each on the line of its key in its own block (a block is 12 lines, from line 3)
    first = next(line for line in lines if "the id is taken" in line)
    assert first.startswith(f"{tmp_path / 's.toml'}:4: contract_id:")
    self_line = next(line for line in lines if "seller and buyer" in line)
    assert self_line.startswith(f"{tmp_path / 's.toml'}:19: buyer:")


def test_a_child_may_set_but_not_re_add_a_contract_its_parent_adds(
    atlas: tripp.Atlas, tmp_path: Path
) -> None:
    write(tmp_path, CONTRACT, "parent.toml")
    child = write(tmp_path, 'extends = "parent.toml"\n' + CONTRACT, "child.toml")
    (line,) = problems(child, atlas)
    assert "[[contract]] az_am_test: the id is taken (by the atlas, a scenario this one" in line
    assert line.startswith(f"{child}:5: contract_id:")
    setter = write(
        tmp_path,
        'extends = "parent.toml"\n' + set_block("contract:az_am_test", "value", "value = 700"),
        "setter.toml",
    )
    applied = apply_scenario(atlas, load_scenario(setter, atlas))
    assert [c.value for c in applied.contracts if c.contract_id == "az_am_test"] == [700]


ENERGY = """
[[energy]]
node_id = "ararat"
carrier = "gas"
role = "demand"
value = {value}
unit = "mcm_per_year"
year = {year}
source_ids = ["aliqmedia_am_gas_2022"]
"""


def test_an_energy_block_adds_a_row_or_replaces_the_atlas_row_with_its_key(
    atlas: tripp.Atlas, tmp_path: Path
) -> None:
    file = write(
        tmp_path, ENERGY.format(value=3100, year=2022) + ENERGY.format(value=3300, year=2026)
    )
    applied = apply_scenario(atlas, load_scenario(file, atlas))
    before = rows(atlas, "ararat", "gas", "demand")
    assert 2022 in before and 2026 not in before and before[2022] != 3100
    assert rows(applied, "ararat", "gas", "demand") == {**before, 2022: 3100, 2026: 3300}
    assert len(applied.energy) == len(atlas.energy) + 1
    result = runner.invoke(app, ["scenario", "show", str(file)])
    assert result.exit_code == 0, result.output
    assert "energy ararat gas demand 2022: 3100 mcm_per_year (replaces the atlas row)" in (
        " ".join(result.output.split())
    )
    assert "energy ararat gas demand 2026: 3300 mcm_per_year (added)" in " ".join(
        result.output.split()
    )
    result = runner.invoke(app, ["scenario", "show", str(file), "--format", "json"])
    shown = json.loads(result.output)
    assert [(e["year"], e["value"], e["replaces_atlas_row"]) for e in shown["energy"]] == [
        (2022, 3100.0, True),
        (2026, 3300.0, False),
    ]


def test_energy_block_errors(atlas: tripp.Atlas, tmp_path: Path) -> None:
    body = (
        ENERGY.format(value=1, year=2026).replace('"ararat"', '"ararad"')
        + ENERGY.format(value=1, year=2027).replace('"mcm_per_year"', '"mcm_per_day"')
        + ENERGY.format(value=-5, year=2028)
        + ENERGY.format(value=1, year=2029).replace('role = "demand"', 'role = "storage"')
        + ENERGY.format(value=1, year=2030)
        + 'profile_id = "no_such_profile"\n'
        + ENERGY.format(value='"many"', year=2031)
    )
    lines = problems(write(tmp_path, body), atlas)
    text = "\n".join(lines)
    assert "[[energy]] ararad:gas:demand:2026: unknown node 'ararad'" in text
    assert "did you mean 'ararat'?" in text
    assert "demand at 'ararat' is in mcm_per_day" in text
    assert "[[energy]] ararat:gas:demand:2028: value -5.0 is out of range [0, …]" in text
    assert (
        "[[energy]] ararat:gas:storage:2029: role 'storage' is not one of supply, demand, export"
        in text
    )
    assert "unknown profile 'no_such_profile'" in text
    assert "value 'many' is not a number" in text
    assert len(lines) == 6


def test_a_set_reaches_rows_an_energy_block_adds(atlas: tripp.Atlas, tmp_path: Path) -> None:
    block = (
        ENERGY.format(value=100, year=2026)
        .replace('"ararat"', '"meghri"')
        .replace('"demand"', '"supply"')
    )
    file = write(
        tmp_path, block + "\n" + set_block("energy:meghri:gas:supply", "value", "factor = 3")
    )
    applied = apply_scenario(atlas, load_scenario(file, atlas))
    assert rows(applied, "meghri", "gas", "supply") == {2026: 300}


# --- the shipped energy scenarios ---------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_energy_scenarios_validate(name: str) -> None:
    result = runner.invoke(app, ["scenario", "validate", name])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"valid: {name} ")


def test_shipped_contract_scenarios_add_the_az_am_contract() -> None:
    base = tripp.load_atlas()
    for name, year in (("az-gas-to-armenia", 2026), ("az-gas-to-armenia-tripp", 2030)):
        network = tripp.scenario(base, name)
        (contract,) = [c for c in network.atlas.contracts if (c.seller, c.buyer) == ("AZ", "AM")]
        assert contract.carrier == "gas" and contract.value == 500 and contract.estimated
        assert contract.in_force(network.year) and network.year == year
    tripp_net = tripp.scenario(base, "az-gas-to-armenia-tripp")
    status = {link.link_id: link.status for link in tripp_net.atlas.links}
    assert status["tripp_gas_east"] == "operating" and status["meghri_ararat_gas"] == "operating"


def test_shipped_nakhchivan_scenario_cuts_iranian_gas() -> None:
    base = tripp.load_atlas()
    network = tripp.scenario(base, "nakhchivan-azerbaijani-supply")
    status = {link.link_id: link.status for link in network.atlas.links}
    assert status["iran_nakhchivan_gas"] == "closed"
    assert status["igdir_nakhchivan_gas"] == "operating"
    assert set(rows(network.atlas, "jolfa_ir", "gas", "swap").values()) == {0}
    assert set(rows(base, "jolfa_ir", "gas", "swap").values()) != {0}


def test_compare_sees_an_energy_change_made_only_by_a_contract_storage_or_plant(
    atlas: tripp.Atlas, tmp_path: Path
) -> None:
    from tripp.scenarios.compare import energy_inputs_differ
    from tripp.scenarios.network import scenario_network

    same = write(tmp_path, "", "same.toml")
    base = scenario_network(atlas, same)
    assert not energy_inputs_differ(base, scenario_network(atlas, same))
    bodies = {
        "contract": CONTRACT,
        "storage": 'close = ["storage:abovyan_ugs"]\n',
        "plant": set_block("plant:hrazdan_tpp", "capacity_mw", "factor = 2"),
    }
    for name, body in bodies.items():
        other = scenario_network(atlas, write(tmp_path, body, f"{name}.toml"))
        assert energy_inputs_differ(base, other), name


def test_a_contract_block_reports_its_row_checks_beside_its_unknown_source(
    atlas: tripp.Atlas, tmp_path: Path
) -> None:
    body = (
        CONTRACT.replace('buyer = "AM"', 'buyer = "AZ"')
        .replace("vestikavkaza_az_gas_armenia_2024", "nosuch")
        .replace('"mcm_per_year"', '"gwh_per_year"')
    )
    file = write(tmp_path, body)
    lines = problems(file, atlas)
    assert lines == [
        f"{file}:11: source_ids: [[contract]] az_am_test: unknown source 'nosuch' — fix: add it "
        "to the atlas's sources.csv",
        f"{file}:9: unit: [[contract]] az_am_test: contract 'az_am_test' is gas in "
        "gwh_per_year — fix: give a gas contract in mcm_per_year",
        f"{file}:7: buyer: [[contract]] az_am_test: contract 'az_am_test' has seller and buyer "
        "AZ — fix: a country's own supplies serve it without a contract: remove the row",
    ]
