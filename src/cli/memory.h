#pragma once

namespace u5::cli {

// The bulk commands (demo, import) and the server allocate and touch gigabytes:
// on this kind of virtual machine every 4 KB page fault is a costly trap, and
// glibc's malloc asks for transparent huge pages only when the environment says
// so (GLIBC_TUNABLES=glibc.malloc.hugetlb=1, read once at process start). For
// those commands, unless the caller already chose, the process re-executes
// itself with that setting: same pid, same arguments. (Figures with and
// without it: docs/performance.md.)
void ReexecWithHugePagesIfUseful(int argc, char** argv);

// By default glibc gives freed memory back to the kernel and takes it again page
// fault by page fault, a large share of a bulk load's CPU time, and in the
// server the per-request buffers would go back and forth the same way. Keep it.
enum class Workload { kBulkLoad, kServer };
void KeepFreedMemory(Workload w);

}  // namespace u5::cli
