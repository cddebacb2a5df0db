"""Placeholder Solara page: proves the offline server and browser tests work.

Imports nothing from the model. It will be replaced by the Explore and Compare pages; keep the
``harden_cdn_route()`` call in whatever replaces it.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import solara

from viz.offline import harden_cdn_route

harden_cdn_route()

clicks = solara.reactive(0)

_DATA = pd.DataFrame({"week": [0, 1, 2, 3], "satisfaction": [0.50, 0.55, 0.53, 0.60]})


@solara.component
def Page() -> None:
    """Title, a button with a counter (a server round trip) and a Vega-Lite chart (Vega assets)."""
    solara.Title("cogov")
    with solara.Column():
        solara.Markdown("# cogov")
        solara.Text("城市社区共建共治共享 · urban community co-governance")
        solara.Button(label="Click", on_click=lambda: clicks.set(clicks.value + 1))
        solara.Text(f"Clicks: {clicks.value}")
        chart = alt.Chart(_DATA).mark_line(point=True).encode(x="week:Q", y="satisfaction:Q")
        solara.FigureAltair(chart.properties(width=300, height=150))
