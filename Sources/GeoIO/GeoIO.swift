// The data I/O layer: features, GeoJSON and CSV readers, the RFC 7946 writer.
import GeoCore
