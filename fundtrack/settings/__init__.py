"""Settings (设置) an administrator changes at run time: the standard durations of
back-scheduling (倒排工期) and the tendering threshold (招标限额)."""
