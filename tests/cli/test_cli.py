"""The command line as a user meets it: help, every command reachable, quick start."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from lrreport.cli import COMMANDS, cli


def test_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    for name in COMMANDS:
        assert f"  {name} " in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_imports_and_has_help(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output
    assert "not built yet" not in result.output


def test_unknown_command_is_an_error():
    result = CliRunner().invoke(cli, ["exprot"])
    assert result.exit_code == 2
    assert "No such command 'exprot'" in result.output


def test_help_does_not_import_the_heavy_stages():
    code = (
        "import sys; from lrreport.cli import main; sys.argv=['lrreport','--help'];\n"
        "try: main()\nexcept SystemExit: pass\n"
        "heavy = [m for m in ('pandas', 'duckdb', 'papermill', 'plotly') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_dbt_and_nbformat_import_without_the_iri_grammars():
    # lrreport._imports: jsonschema's optional rfc3987_syntax compiles 39 grammars (1.2 s) as it is
    # imported. After `import lrreport`, importing dbt and nbformat must not pull it in; jsonschema
    # still checks its other formats, and the module stays importable for anyone who asks for it.
    code = (
        "import sys, lrreport, dbt.cli.main, nbformat, jsonschema\n"
        "print('LOADED', 'rfc3987_syntax' in sys.modules)\n"
        "checked = jsonschema.FormatChecker.checkers\n"
        "print('FORMATS', sorted(f for f in ('date-time', 'uri', 'iri') if f in checked))\n"
        "import rfc3987_syntax; print('ASKED', rfc3987_syntax.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "LOADED False" in out
    assert "FORMATS ['date-time', 'uri']" in out
    assert "ASKED rfc3987_syntax" in out
