// pugixml_memory.h: the allocator pugixml uses in a process that parses stanzas.
//
// pugixml allocates a page of about 32 KiB for every document it parses and frees it
// with the document. glibc serves that size outside its per-thread cache, and the
// malloc/free pair came to about a twentieth of a typed parse of a 400-byte message
// (perf, bench/stanza_bench.cc). install_pugixml_memory() gives pugixml malloc and free
// plus one cached page per thread, so the next parse on the thread reuses the last one.
#pragma once

namespace parity::stanza {

// install_pugixml_memory sets pugixml's allocation functions (once per process). pugixml
// requires that no pugixml object exists yet: stanza.cc calls it during static
// initialisation, before any document can be created.
void install_pugixml_memory();

}  // namespace parity::stanza
