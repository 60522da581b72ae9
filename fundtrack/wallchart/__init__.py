"""作战图: the wall chart (挂图作战) of the projects' milestones, planned against actual."""
