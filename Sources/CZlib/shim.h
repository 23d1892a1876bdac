// zlib ships with Linux distributions (zlib1g-dev is in the Swift toolchain's base image) and with
// macOS's SDK: gzip reading (IDX, CSV) and PNG deflate use it instead of a hand-written codec.
#include <zlib.h>
