"""natcert: the platform a National CERT and its Sectoral CERTs run together."""
