"""整改: findings of inspections, audits and city notices, tracked to their rectification."""
