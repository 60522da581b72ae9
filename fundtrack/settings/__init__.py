"""Settings (设置) an administrator changes at run time, one module per group: the
standard durations of back-scheduling (倒排工期), the tendering threshold (招标限额), the
warning thresholds (预警阈值), the 重点村占比 targets and what the disclosure notices print
(公示). Other packages import them from ``settings.service``."""
