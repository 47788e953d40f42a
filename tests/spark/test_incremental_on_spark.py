"""An incremental build on Spark gives what a full build gives (tests/models/test_incremental.py on DuckDB).

The golden lake (tests/spark/conftest.py) was built in two steps: in full from the golden rows
without what came later (the rows from 2024-01-20 on, and the newer version of two older orders),
then incrementally once that had arrived as one load. Every row of every mart equals the DuckDB
build of all rows (tests/spark/test_golden_on_spark.py); here, that the second build really was
an increment that wrote the late rows, and that a build with nothing new changes nothing.
"""

from __future__ import annotations

import duckdb

from lrreport.config import load_settings
from lrreport.lake.reader import reader_path
from tests.spark.compare import differences
from tests.spark.conftest import SPARK, run_cli

pytestmark = SPARK


def test_the_late_rows_arrive_by_an_increment(golden_lake: dict) -> None:
    first, second = golden_lake["builds"]
    assert "(full refresh)" in first and "(incremental)" in second
    # each table had late rows: S40-S51 among the sends, LR1003-LR1010 among the orders, two opt-outs
    assert all(golden_lake["held"].values()), golden_lake["held"]
    settings = load_settings(golden_lake["config"]).with_database(golden_lake["database"])
    with duckdb.connect(str(reader_path(settings)), read_only=True) as built:
        late = built.execute("SELECT count(*) FROM marts.fct_sends WHERE _load_id = 'late'").fetchone()[0]
    assert late == golden_lake["held"]["sends"]


def test_a_build_with_nothing_new_changes_nothing(golden_lake: dict) -> None:
    again = run_cli("--config", str(golden_lake["config"]), "build", "--no-test", "--database",
                    str(golden_lake["database"]), "--engine", "spark", "--lake", str(golden_lake["lake"]))
    assert "(incremental)" in again
    settings = load_settings(golden_lake["config"]).with_database(golden_lake["database"])
    with (duckdb.connect(str(golden_lake["duckdb"]), read_only=True) as gold,
          duckdb.connect(str(reader_path(settings)), read_only=True) as built):
        assert differences(gold, built, skip_columns=("_load_id",)) == {}
