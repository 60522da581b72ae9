"""Reporting upward (上报): signed monthly packages of a closed month, and a collecting
instance's figures as the exact sum of its lower regions' latest packages."""
