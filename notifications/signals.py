"""Receivers of camp's and courses' signals that turn their events into notifications."""
