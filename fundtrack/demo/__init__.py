"""``fundtrack demo``: a realistic demo county, loaded through the services.

``data`` holds the county's fixed tables, ``plan`` decides everything in memory from a
seeded random generator (the same county every time), ``findings`` picks the 整改
findings from the plan, ``loader`` enters them.
"""

from .loader import load_demo

__all__ = ["load_demo"]
