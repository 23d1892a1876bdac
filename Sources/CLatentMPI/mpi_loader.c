// MPI through dlopen: see lk_mpi.h. The two ABI families differ only in how handles are
// represented, so each MPI function is called through a pointer typed for the family in use.
#include "lk_mpi.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum family { FAMILY_NONE, FAMILY_OPENMPI, FAMILY_MPICH };

static void *library;
static enum family abi = FAMILY_NONE;
static char library_name[512];
static char version[1024];
static char message[1024];
static int initialized;

// Handles, held as pointers (Open MPI) or ints (MPICH) in one integer type.
static intptr_t comm_world, type_float, type_double, type_byte, op_sum, op_max, errors_return;
static void *in_place;
static void *status_ignore;

// The MPI functions, typed for either family. `H` is the handle type.
#define MPI_FUNCTIONS(H, P) \
    typedef int (*P##comm_int_fn)(H, int *); \
    typedef int (*P##set_errhandler_fn)(H, H); \
    typedef int (*P##allreduce_fn)(const void *, void *, int, H, H, H); \
    typedef int (*P##iallreduce_fn)(const void *, void *, int, H, H, H, void *); \
    typedef int (*P##bcast_fn)(void *, int, H, int, H); \
    typedef int (*P##ibcast_fn)(void *, int, H, int, H, void *); \
    typedef int (*P##barrier_fn)(H); \
    typedef int (*P##abort_fn)(H, int);
MPI_FUNCTIONS(void *, ompi_)
MPI_FUNCTIONS(int, mpich_)

typedef int (*flag_fn)(int *);
typedef int (*init_thread_fn)(int *, char ***, int, int *);
typedef int (*void_fn)(void);
typedef int (*test_fn)(void *, int *, void *);
typedef int (*string_fn)(char *, int *);
typedef int (*error_string_fn)(int, char *, int *);

static void *sym(const char *name) { return library ? dlsym(library, name) : NULL; }

static int fail(const char *format, const char *detail) {
    snprintf(message, sizeof message, format, detail ? detail : "");
    return 1;
}

// A failing MPI call's message (MPI_Error_string when the library has it).
static int mpi_fail(const char *what, int code) {
    char text[512] = "";
    int length = 0;
    error_string_fn error_string = (error_string_fn)sym("MPI_Error_string");
    if (!error_string || error_string(code, text, &length) != 0) snprintf(text, sizeof text, "error code %d", code);
    snprintf(message, sizeof message, "%s failed: %s", what, text);
    return code ? code : 1;
}

const char *lk_mpi_error(void) { return message; }
const char *lk_mpi_library(void) { return library_name; }
const char *lk_mpi_version(void) { return version; }
int lk_mpi_is_initialized(void) { return initialized; }

static int try_open(const char *name) {
    void *handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL);  // GLOBAL: Open MPI's plug-ins need libmpi's symbols
    if (!handle) return 0;
    library = handle;
    snprintf(library_name, sizeof library_name, "%s", name);
    return 1;
}

int lk_mpi_open(const char *path) {
    if (library) return 0;
    const char *env = getenv("LATENT_MPI_LIBRARY");
    if (path && *path) {
        if (!try_open(path)) return fail("could not load the MPI library: %s", dlerror());
    } else if (env && *env) {
        if (!try_open(env)) return fail("could not load LATENT_MPI_LIBRARY: %s", dlerror());
    } else {
        static const char *names[] = {
            "libmpi.so.40", "libmpi.so.12", "libmpich.so.12", "libmpi.so", "libmpich.so",
            "libmpi.40.dylib", "libmpi.12.dylib", "libmpi.dylib", "libmpich.dylib", NULL,
        };
        for (int i = 0; names[i] && !library; i++) try_open(names[i]);
        if (!library) return fail("no MPI library found (looked for libmpi.so.40, libmpi.so.12, libmpich.so.12, libmpi.so); install Open MPI (Debian: openmpi-bin libopenmpi-dev) or MPICH, or set LATENT_MPI_LIBRARY to its path%s", NULL);
    }
    if (sym("ompi_mpi_comm_world")) {
        abi = FAMILY_OPENMPI;
        comm_world = (intptr_t)sym("ompi_mpi_comm_world");
        type_float = (intptr_t)sym("ompi_mpi_float");
        type_double = (intptr_t)sym("ompi_mpi_double");
        type_byte = (intptr_t)sym("ompi_mpi_byte");
        op_sum = (intptr_t)sym("ompi_mpi_op_sum");
        op_max = (intptr_t)sym("ompi_mpi_op_max");
        errors_return = (intptr_t)sym("ompi_mpi_errors_return");
        in_place = (void *)1;
        status_ignore = NULL;
        if (!type_float || !type_double || !type_byte || !op_sum || !op_max || !errors_return)
            return fail("%s looks like Open MPI but lacks its predefined handles", library_name);
    } else if (sym("MPI_Init_thread")) {
        abi = FAMILY_MPICH;  // the MPICH ABI's fixed handle values
        comm_world = 0x44000000;
        type_float = 0x4c00040a;
        type_double = 0x4c00080b;
        type_byte = 0x4c00010d;
        op_sum = 0x58000003;
        op_max = 0x58000001;
        errors_return = 0x54000001;
        in_place = (void *)-1;
        status_ignore = (void *)1;
    } else {
        return fail("%s is not an MPI library (no MPI_Init_thread)", library_name);
    }
    return 0;
}

#define NEED(name) \
    void *name##_ptr = sym(#name); \
    if (!name##_ptr) return fail("the MPI library lacks %s", #name);

int lk_mpi_init(int *rank, int *size) {
    if (!library && lk_mpi_open(NULL) != 0) return 1;
    NEED(MPI_Initialized) NEED(MPI_Init_thread) NEED(MPI_Comm_rank) NEED(MPI_Comm_size)
    NEED(MPI_Comm_set_errhandler)
    int already = 0, code;
    ((flag_fn)MPI_Initialized_ptr)(&already);
    if (!already) {
        int provided = 0;
        if ((code = ((init_thread_fn)MPI_Init_thread_ptr)(NULL, NULL, 1 /* FUNNELED */, &provided)) != 0)
            return mpi_fail("MPI_Init_thread", code);
    }
    if (abi == FAMILY_OPENMPI) {
        ((ompi_set_errhandler_fn)MPI_Comm_set_errhandler_ptr)((void *)comm_world, (void *)errors_return);
        ((ompi_comm_int_fn)MPI_Comm_rank_ptr)((void *)comm_world, rank);
        code = ((ompi_comm_int_fn)MPI_Comm_size_ptr)((void *)comm_world, size);
    } else {
        ((mpich_set_errhandler_fn)MPI_Comm_set_errhandler_ptr)((int)comm_world, (int)errors_return);
        ((mpich_comm_int_fn)MPI_Comm_rank_ptr)((int)comm_world, rank);
        code = ((mpich_comm_int_fn)MPI_Comm_size_ptr)((int)comm_world, size);
    }
    if (code != 0) return mpi_fail("MPI_Comm_size", code);
    string_fn library_version = (string_fn)sym("MPI_Get_library_version");
    int length = 0;
    if (library_version) {
        library_version(version, &length);
        version[sizeof version - 1] = 0;
        char *newline = strchr(version, '\n');
        if (newline) *newline = 0;
    }
    initialized = 1;
    return 0;
}

static int allreduce(void *buffer, long count, intptr_t type, long element, intptr_t op, const char *what) {
    if (!initialized) return fail("%s: MPI is not initialized", what);
    NEED(MPI_Allreduce)
    char *bytes = buffer;
    while (count > 0) {
        int n = count > INT_MAX / 2 ? INT_MAX / 2 : (int)count;
        int code = abi == FAMILY_OPENMPI
            ? ((ompi_allreduce_fn)MPI_Allreduce_ptr)(in_place, bytes, n, (void *)type, (void *)op, (void *)comm_world)
            : ((mpich_allreduce_fn)MPI_Allreduce_ptr)(in_place, bytes, n, (int)type, (int)op, (int)comm_world);
        if (code != 0) return mpi_fail(what, code);
        bytes += (long)n * element;
        count -= n;
    }
    return 0;
}

int lk_mpi_allreduce_sum_f32(float *buffer, long count) {
    return allreduce(buffer, count, type_float, sizeof(float), op_sum, "MPI_Allreduce (float sum)");
}
int lk_mpi_allreduce_sum_f64(double *buffer, long count) {
    return allreduce(buffer, count, type_double, sizeof(double), op_sum, "MPI_Allreduce (double sum)");
}
int lk_mpi_allreduce_max_f64(double *buffer, long count) {
    return allreduce(buffer, count, type_double, sizeof(double), op_max, "MPI_Allreduce (double max)");
}

// Outstanding nonblocking requests: a request is a pointer (Open MPI) or an int (MPICH); both fit
// in 8 bytes. A slot is free when its flag is 0.
#define MAX_REQUESTS 256
static union { void *pointer; int handle; } requests[MAX_REQUESTS];
static int in_use[MAX_REQUESTS];

static int free_slot(void) {
    for (int i = 0; i < MAX_REQUESTS; i++) if (!in_use[i]) return i;
    return -1;
}

int lk_mpi_iallreduce(void *buffer, long count, int reduction, int *request) {
    if (!initialized) return fail("%s: MPI is not initialized", "MPI_Iallreduce");
    if (count > INT_MAX || count < 0) return fail("%s: more than 2^31 elements in one request", "MPI_Iallreduce");
    NEED(MPI_Iallreduce)
    int slot = free_slot();
    if (slot < 0) return fail("%s: more than 256 requests outstanding", "MPI_Iallreduce");
    intptr_t type = reduction == LK_MPI_SUM_F32 ? type_float : type_double;
    intptr_t op = reduction == LK_MPI_MAX_F64 ? op_max : op_sum;
    int code = abi == FAMILY_OPENMPI
        ? ((ompi_iallreduce_fn)MPI_Iallreduce_ptr)(in_place, buffer, (int)count, (void *)type, (void *)op, (void *)comm_world, &requests[slot].pointer)
        : ((mpich_iallreduce_fn)MPI_Iallreduce_ptr)(in_place, buffer, (int)count, (int)type, (int)op, (int)comm_world, &requests[slot].handle);
    if (code != 0) return mpi_fail("MPI_Iallreduce", code);
    in_use[slot] = 1;
    *request = slot;
    return 0;
}

int lk_mpi_ibcast(void *buffer, long bytes, int root, int *request) {
    if (!initialized) return fail("%s: MPI is not initialized", "MPI_Ibcast");
    if (bytes > INT_MAX || bytes < 0) return fail("%s: more than 2^31 bytes in one request", "MPI_Ibcast");
    NEED(MPI_Ibcast)
    int slot = free_slot();
    if (slot < 0) return fail("%s: more than 256 requests outstanding", "MPI_Ibcast");
    int code = abi == FAMILY_OPENMPI
        ? ((ompi_ibcast_fn)MPI_Ibcast_ptr)(buffer, (int)bytes, (void *)type_byte, root, (void *)comm_world, &requests[slot].pointer)
        : ((mpich_ibcast_fn)MPI_Ibcast_ptr)(buffer, (int)bytes, (int)type_byte, root, (int)comm_world, &requests[slot].handle);
    if (code != 0) return mpi_fail("MPI_Ibcast", code);
    in_use[slot] = 1;
    *request = slot;
    return 0;
}

int lk_mpi_test(int request, int *done) {
    if (request < 0 || request >= MAX_REQUESTS || !in_use[request]) return fail("%s: no such request", "MPI_Test");
    NEED(MPI_Test)
    int flag = 0;
    int code = ((test_fn)MPI_Test_ptr)(&requests[request], &flag, status_ignore);
    if (code != 0) return mpi_fail("MPI_Test", code);
    if (flag) in_use[request] = 0;
    *done = flag;
    return 0;
}

typedef int (*wait_fn)(void *, void *);

int lk_mpi_wait(int request) {
    if (request < 0 || request >= MAX_REQUESTS || !in_use[request]) return fail("%s: no such request", "MPI_Wait");
    NEED(MPI_Wait)
    int code = ((wait_fn)MPI_Wait_ptr)(&requests[request], status_ignore);
    in_use[request] = 0;
    return code ? mpi_fail("MPI_Wait", code) : 0;
}

int lk_mpi_bcast(void *buffer, long bytes, int root) {
    if (!initialized) return fail("%s: MPI is not initialized", "MPI_Bcast");
    NEED(MPI_Bcast)
    char *p = buffer;
    while (bytes > 0) {
        int n = bytes > INT_MAX ? INT_MAX : (int)bytes;
        int code = abi == FAMILY_OPENMPI
            ? ((ompi_bcast_fn)MPI_Bcast_ptr)(p, n, (void *)type_byte, root, (void *)comm_world)
            : ((mpich_bcast_fn)MPI_Bcast_ptr)(p, n, (int)type_byte, root, (int)comm_world);
        if (code != 0) return mpi_fail("MPI_Bcast", code);
        p += n;
        bytes -= n;
    }
    return 0;
}

int lk_mpi_barrier(void) {
    if (!initialized) return fail("%s: MPI is not initialized", "MPI_Barrier");
    NEED(MPI_Barrier)
    int code = abi == FAMILY_OPENMPI ? ((ompi_barrier_fn)MPI_Barrier_ptr)((void *)comm_world)
                                     : ((mpich_barrier_fn)MPI_Barrier_ptr)((int)comm_world);
    return code ? mpi_fail("MPI_Barrier", code) : 0;
}

int lk_mpi_finalize(void) {
    if (!initialized) return 0;
    NEED(MPI_Finalize)
    initialized = 0;
    int code = ((void_fn)MPI_Finalize_ptr)();
    return code ? mpi_fail("MPI_Finalize", code) : 0;
}

void lk_mpi_abort(int code) {
    void *abort_ptr = sym("MPI_Abort");
    if (!abort_ptr || !initialized) _Exit(code);
    if (abi == FAMILY_OPENMPI) ((ompi_abort_fn)abort_ptr)((void *)comm_world, code);
    else ((mpich_abort_fn)abort_ptr)((int)comm_world, code);
    _Exit(code);
}
