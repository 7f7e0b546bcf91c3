// The system's SQLite (Debian's libsqlite3-dev), for GeoPackage.
#include <sqlite3.h>
