"""``fundtrack demo``: a realistic demo county, loaded through the services.

``data`` holds the county's fixed tables, ``plan`` decides everything in memory from a
seeded random generator (the same county every time), ``loader`` enters it.
"""

from .loader import load_demo

__all__ = ["load_demo"]
