"""Attendance corrections, completion nominations and certificates."""
