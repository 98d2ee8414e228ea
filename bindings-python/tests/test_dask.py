"""examples/national_dask.py on a real dask.distributed cluster of worker processes: the same
summaries and findings as the single-process run (dask is optional; scripts/test.sh installs it)."""

from __future__ import annotations

import importlib.util
import time

import pytest

pytest.importorskip("dask.distributed")
pa = pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def example(root):
    spec = importlib.util.spec_from_file_location("national_dask", root / "examples" / "national_dask.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_three_provinces_on_worker_processes_match_one_process(example):
    from dask.distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        summaries, findings = example.run(3, agencies=12, client=client)
        # The work really ran in other processes.
        pids = client.run(lambda: __import__("os").getpid())
        assert len(set(pids.values())) == 2
    local_summaries, local_findings = example.run(3, agencies=12)

    assert list(summaries) == ["province-01", "province-02", "province-03"]
    assert summaries == local_summaries
    assert findings.equals(local_findings)
    assert findings.column_names[:3] == ["province", "rule", "severity"]
    # Every province's stray evidence (obligation IX.9) gives findings of that province alone.
    stray = findings.filter(pa.compute.equal(findings["obligation"], "IX.9"))
    per_province = stray.group_by("province").aggregate([("rule", "count")]).to_pydict()
    assert sorted(per_province["province"]) == ["province-01", "province-02", "province-03"]
    assert len(set(per_province["rule_count"])) == 1
    for s in summaries.values():
        assert s["total"]["total"] > 0 and s["total"]["done_on_time"] > 0
    # Provinces differ (seeded per province), so a mix-up between them would show.
    assert summaries["province-01"] != summaries["province-02"]
    assert time.perf_counter() - start < 60
