"""Every number in a scenario is finite and inside the range the atlas column registry allows
for the column it sets; a file that is not UTF-8 is one clear error, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import tripp
from tripp.cli.main import app
from tripp.errors import InputError
from tripp.scenarios import Scenario, SetRule, apply_scenario, load_scenario

MINI = str(Path(__file__).parent / "fixtures" / "mini")


def write(tmp_path: Path, body: str, name: str = "s.toml") -> Path:
    file = tmp_path / name
    file.write_text('description = "test"\n' + body, encoding="utf-8")
    return file


def test_nan_and_inf_values_are_reported_at_once_with_line_field_and_range(
    mini_atlas: tripp.Atlas, tmp_path: Path
) -> None:
    file = write(
        tmp_path,
        '[[set]]\ntarget = "link:road1"\nfield = "length_km"\nvalue = nan\n\n'
        '[[set]]\ntarget = "mode:rail"\nfield = "speed_kmh"\nvalue = inf\n\n'
        '[[set]]\ntarget = "mode:rail"\nfield = "time_h"\nfactor = -inf\n\n'
        '[[set]]\ntarget = "crossing:b"\nfield = "dwell_h"\nvalue = 5000\n\n'
        "[[demand]]\nfactor = nan\n",
    )
    with pytest.raises(InputError) as caught:
        load_scenario(file, mini_atlas)
    lines = str(caught.value).splitlines()
    assert lines[0] == "5 problems found:"
    assert lines[1] == (
        f"{file}:5: value: [[set]] for link:road1: value nan is not a finite number — fix: "
        "give length_km a value in [0.01, 40000] km (the range of links.length_km in the atlas)"
    )
    assert lines[2].startswith(f"{file}:10: value: [[set]] for mode:rail: value inf is not a")
    assert "[1, 200] km/h" in lines[2]
    assert lines[3].startswith(f"{file}:15: factor: [[set]] for mode:rail: factor -inf is not")
    assert lines[4].startswith(f"{file}:20: value: [[set]] for crossing:b: value 5000 is outside")
    assert "[0, 2000] h" in lines[4]
    assert lines[5].startswith(f"{file}:23: factor: [[demand]] factor nan is not a finite")


def test_a_factor_that_takes_a_figure_out_of_range_names_the_elements(
    mini_atlas: tripp.Atlas, tmp_path: Path
) -> None:
    file = write(
        tmp_path,
        '[[set]]\ntarget = "mode:rail"\nfield = "speed_kmh"\nfactor = 100\n\n'
        '[[set]]\ntarget = "link:road1"\nfield = "length_km"\nfactor = 0\n',
    )
    with pytest.raises(InputError) as caught:
        load_scenario(file, mini_atlas)
    message = str(caught.value)
    assert f"{file}:5: factor: [[set]] for mode:rail: factor takes link:r1 speed_kmh" in message
    assert "outside [1, 200] km/h" in message
    assert f"{file}:10: factor: [[set]] for link:road1: factor takes link:road1 length_km 0" in (
        message
    )


def test_a_factor_result_is_reported_in_the_same_pass_as_other_problems(
    mini_atlas: tripp.Atlas, tmp_path: Path
) -> None:
    file = write(
        tmp_path,
        'close = ["link:no_such_link"]\n\n'
        '[[set]]\ntarget = "mode:rail"\nfield = "speed_kmh"\nfactor = 100\n\n'
        '[[set]]\ntarget = "link:road1"\nfield = "length_km"\nvalue = nan\n',
    )
    with pytest.raises(InputError) as caught:
        load_scenario(file, mini_atlas)
    lines = str(caught.value).splitlines()
    assert lines[0] == "3 problems found:"
    assert any("unknown link 'no_such_link'" in line for line in lines)
    assert any(f"{file}:7: factor: [[set]] for mode:rail: factor takes" in line for line in lines)
    assert any("value nan is not a finite number" in line for line in lines)


def test_a_scenario_built_in_python_is_checked_when_applied(mini_atlas: tripp.Atlas) -> None:
    scenario = Scenario("py", "built in Python", 2026, set=(SetRule("link:r1", "speed_kmh", 1e9),))
    with pytest.raises(InputError, match=r"link:r1 speed_kmh becomes 1e\+09, outside \[1, 200\]"):
        apply_scenario(mini_atlas, scenario)


def test_values_in_range_still_apply(mini_atlas: tripp.Atlas, tmp_path: Path) -> None:
    file = write(
        tmp_path,
        '[[set]]\ntarget = "link:road1"\nfield = "length_km"\nvalue = 0.01\n\n'
        '[[set]]\ntarget = "mode:rail"\nfield = "capacity"\nfactor = 0\n',
    )
    applied = apply_scenario(mini_atlas, load_scenario(file, mini_atlas))
    assert applied.link_by_id["road1"].length_km == 0.01


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'description = "caf\xe9"\n', "is not UTF-8 text (byte 18 is 0xe9) — fix: save the file"),
        (b"description = \n", "is not valid TOML"),
    ],
)
def test_a_file_that_is_not_utf8_or_not_toml_is_one_error_on_the_command_line(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    file = tmp_path / "bad.toml"
    file.write_bytes(content)
    result = CliRunner().invoke(app, ["scenario", "validate", str(file), "--atlas", MINI])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {file}: ") and expected in result.stderr
    assert "Traceback" not in result.stderr
