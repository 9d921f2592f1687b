"""What every explorer shares: the layout and update loop, and the two simulators' base class.

Each explorer module imports only this package and the core of :mod:`course`, never another
explorer.
"""

from .explorer import (
    CONTROL_LAYOUT,
    CONTROL_STYLE,
    ConsumerPicker,
    Explorer,
    WeightSliders,
    html_table,
)
from .simulator import (
    BASELINE,
    YOURS,
    SimulationExplorer,
    comparison_line,
    comparison_table,
    stepped_limits,
)

__all__ = ["BASELINE", "CONTROL_LAYOUT", "CONTROL_STYLE", "ConsumerPicker", "Explorer",
           "SimulationExplorer", "WeightSliders", "YOURS", "comparison_line",
           "comparison_table", "html_table", "stepped_limits"]
