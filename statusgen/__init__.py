"""Static status-page generator for an Indonesian e-procurement office (LPSE); its name, languages and time zone
come from ``status.yml``."""

__version__ = "0.1.0"
