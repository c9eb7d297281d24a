"""Loa: the communication work of grassroots trade unions, run by their upper-level union."""
