"""Static status-page generator for LPSE Provinsi Kalimantan Selatan."""

__version__ = "0.1.0"
