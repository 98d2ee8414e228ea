"""pandas helpers, imported only when a DataFrame is passed (pandas stays optional)."""

from __future__ import annotations

from typing import Any, List, Tuple


def frame_columns(df: Any) -> Tuple[List[Tuple[str, List[Any]]], List[Any]]:
    """Columns of a submissions DataFrame as (lower-cased name, plain list) pairs, in order.

    datetime64 columns become ``YYYY-MM-DD`` text (``None`` for NaT) with numpy's vectorised
    formatter, so no per-cell Python work is done here.
    """
    import numpy as np

    columns: List[Tuple[str, List[Any]]] = []
    for position, name in enumerate(df.columns):
        key = str(name).strip().lower()
        series = df.iloc[:, position]
        kind = getattr(series.dtype, "kind", "O")
        if kind == "M":
            values = series.to_numpy()
            if getattr(series.dt, "tz", None) is not None:
                values = series.dt.tz_localize(None).to_numpy()
            text = np.datetime_as_string(values.astype("datetime64[D]"), unit="D").tolist()
            if series.isna().any():
                text = [None if t == "NaT" else t for t in text]
            columns.append((key, text))
        else:
            columns.append((key, series.tolist()))
    return columns, df.index.tolist()
