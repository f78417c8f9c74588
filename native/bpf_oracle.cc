// bpfbox kernel oracle: a thin N-API (plain C API, node_api.h) binding over the bpf() system call.
//
// It only ever does these things: create maps (BPF_MAP_CREATE), fill, read, iterate, delete from
// and freeze them (BPF_MAP_UPDATE_ELEM / LOOKUP_ELEM / GET_NEXT_KEY / DELETE_ELEM / FREEZE), read
// a ring buffer map's records through its mmap()ed pages, load a program so the running kernel's
// verifier judges it (BPF_PROG_LOAD, with the verifier log, and optionally BTF loaded with
// BPF_BTF_LOAD for its func_info), run a loaded program on a test input
// (BPF_PROG_TEST_RUN) and close file descriptors. It never attaches a program to a hook or an
// interface, never pins anything in bpffs and never asks for live XDP frames: every object it
// creates lives only as long as its file descriptor, which the caller closes.
//
// Plain C API (node_api.h ships with Node's headers); no node-addon-api.

#include <node_api.h>

#include <linux/bpf.h>
#include <linux/types.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------
// The BPF_PROG_LOAD attribute block, laid out as in the kernel's include/uapi/linux/bpf.h up to
// `log_true_size` (Linux 6.4). The system header may be older (Debian's is 6.1 and stops at
// core_relo_rec_size), so the block is spelled out here and checked against the header for the
// fields both have. The kernel accepts a shorter or longer block as long as any bytes it does not
// know are zero; `log_true_size` is output only (the log size the kernel wanted).
struct ProgLoadAttr {
  uint32_t prog_type;
  uint32_t insn_cnt;
  uint64_t insns;
  uint64_t license;
  uint32_t log_level;
  uint32_t log_size;
  uint64_t log_buf;
  uint32_t kern_version;
  uint32_t prog_flags;
  char prog_name[16];
  uint32_t prog_ifindex;
  uint32_t expected_attach_type;
  uint32_t prog_btf_fd;
  uint32_t func_info_rec_size;
  uint64_t func_info;
  uint32_t func_info_cnt;
  uint32_t line_info_rec_size;
  uint64_t line_info;
  uint32_t line_info_cnt;
  uint32_t attach_btf_id;
  uint32_t attach_prog_fd;
  uint32_t core_relo_cnt;
  uint64_t fd_array;
  uint64_t core_relos;
  uint32_t core_relo_rec_size;
  uint32_t log_true_size;
} __attribute__((aligned(8)));

#define CHECK_OFFSET(field)                                                                     \
  static_assert(offsetof(ProgLoadAttr, field) == offsetof(union bpf_attr, field),               \
                "ProgLoadAttr." #field " is not where <linux/bpf.h> puts it")
CHECK_OFFSET(prog_type);
CHECK_OFFSET(insn_cnt);
CHECK_OFFSET(insns);
CHECK_OFFSET(license);
CHECK_OFFSET(log_level);
CHECK_OFFSET(log_size);
CHECK_OFFSET(log_buf);
CHECK_OFFSET(kern_version);
CHECK_OFFSET(prog_flags);
CHECK_OFFSET(prog_name);
CHECK_OFFSET(prog_ifindex);
CHECK_OFFSET(expected_attach_type);
CHECK_OFFSET(prog_btf_fd);
CHECK_OFFSET(func_info);
CHECK_OFFSET(line_info);
CHECK_OFFSET(attach_btf_id);
CHECK_OFFSET(core_relo_cnt);
CHECK_OFFSET(fd_array);
CHECK_OFFSET(core_relos);
CHECK_OFFSET(core_relo_rec_size);
#undef CHECK_OFFSET
static_assert(offsetof(ProgLoadAttr, log_true_size) == 140, "log_true_size must be at byte 140");
static_assert(sizeof(ProgLoadAttr) == 144, "ProgLoadAttr must be 144 bytes");

constexpr uint32_t kMaxLogSize = 64u << 20;      // 64 MiB: the largest log buffer we offer
constexpr uint32_t kDefaultLogSize = 1u << 20;   // 1 MiB first try
constexpr uint32_t kMaxInsns = 1u << 20;         // far above BPF_MAXINSNS for root (1M) / 8
constexpr uint32_t kMaxPacket = 1u << 20;

long sys_bpf(int cmd, void* attr, unsigned int size) {
  return syscall(__NR_bpf, cmd, attr, size);
}

uint64_t ptr_to_u64(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

// ---------------------------------------------------------------------------------------------
// Small N-API helpers. On a failed napi call a JS exception is pending; we return nullptr.

#define NAPI_OK(call)                                                                           \
  do {                                                                                          \
    if ((call) != napi_ok) return nullptr;                                                      \
  } while (0)

napi_value throw_type(napi_env env, const char* msg) {
  napi_throw_type_error(env, nullptr, msg);
  return nullptr;
}

bool get_arg_object(napi_env env, napi_callback_info info, napi_value* out) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  napi_valuetype t = napi_undefined;
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_object) {
    napi_throw_type_error(env, nullptr, "expected one options object");
    return false;
  }
  *out = argv[0];
  return true;
}

// Property lookup: returns false (no exception) when the property is absent/undefined/null.
bool get_prop(napi_env env, napi_value obj, const char* name, napi_value* out) {
  bool has = false;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return false;
  if (napi_get_named_property(env, obj, name, out) != napi_ok) return false;
  napi_valuetype t = napi_undefined;
  if (napi_typeof(env, *out, &t) != napi_ok) return false;
  return t != napi_undefined && t != napi_null;
}

// Reads an unsigned 32-bit integer property. Returns 0 = absent (use default), 1 = ok,
// -1 = present but wrong (exception thrown).
int get_u32(napi_env env, napi_value obj, const char* name, uint32_t* out) {
  napi_value v;
  if (!get_prop(env, obj, name, &v)) return 0;
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d > 4294967295.0 ||
      d != static_cast<double>(static_cast<uint64_t>(d))) {
    std::string msg = std::string("option '") + name + "' must be an integer in 0..2^32-1";
    napi_throw_range_error(env, nullptr, msg.c_str());
    return -1;
  }
  *out = static_cast<uint32_t>(d);
  return 1;
}

int get_i32(napi_env env, napi_value obj, const char* name, int32_t* out) {
  napi_value v;
  if (!get_prop(env, obj, name, &v)) return 0;
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok || d < -2147483648.0 || d > 2147483647.0 ||
      d != static_cast<double>(static_cast<int64_t>(d))) {
    std::string msg = std::string("option '") + name + "' must be a 32-bit integer";
    napi_throw_range_error(env, nullptr, msg.c_str());
    return -1;
  }
  *out = static_cast<int32_t>(d);
  return 1;
}

// Copies a Uint8Array / Buffer / any TypedArray's bytes. 0 absent, 1 ok, -1 wrong (thrown).
int get_bytes(napi_env env, napi_value obj, const char* name, std::vector<uint8_t>* out) {
  napi_value v;
  if (!get_prop(env, obj, name, &v)) return 0;
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) == napi_ok && is_ta) {
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_value ab;
    size_t off = 0;
    if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &off) != napi_ok) return -1;
    size_t elem = 1;
    switch (type) {
      case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: elem = 1; break;
      case napi_int16_array: case napi_uint16_array: elem = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: elem = 4; break;
      default: elem = 8; break;
    }
    const uint8_t* p = static_cast<const uint8_t*>(data);
    out->assign(p, p + length * elem);
    return 1;
  }
  std::string msg = std::string("option '") + name + "' must be a Uint8Array";
  napi_throw_type_error(env, nullptr, msg.c_str());
  return -1;
}

int get_string(napi_env env, napi_value obj, const char* name, std::string* out) {
  napi_value v;
  if (!get_prop(env, obj, name, &v)) return 0;
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) {
    std::string msg = std::string("option '") + name + "' must be a string";
    napi_throw_type_error(env, nullptr, msg.c_str());
    return -1;
  }
  std::string s(len + 1, '\0');
  size_t got = 0;
  if (napi_get_value_string_utf8(env, v, &s[0], len + 1, &got) != napi_ok) return -1;
  s.resize(got);
  *out = s;
  return 1;
}

// Array of integers (fd_array). 0 absent, 1 ok, -1 wrong.
int get_i32_array(napi_env env, napi_value obj, const char* name, std::vector<int32_t>* out) {
  napi_value v;
  if (!get_prop(env, obj, name, &v)) return 0;
  bool is_arr = false;
  if (napi_is_array(env, v, &is_arr) != napi_ok || !is_arr) {
    std::string msg = std::string("option '") + name + "' must be an array of integers";
    napi_throw_type_error(env, nullptr, msg.c_str());
    return -1;
  }
  uint32_t n = 0;
  if (napi_get_array_length(env, v, &n) != napi_ok) return -1;
  out->clear();
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    int32_t x = 0;
    if (napi_get_element(env, v, i, &e) != napi_ok || napi_get_value_int32(env, e, &x) != napi_ok) {
      std::string msg = std::string("option '") + name + "' must be an array of integers";
      napi_throw_type_error(env, nullptr, msg.c_str());
      return -1;
    }
    out->push_back(x);
  }
  return 1;
}

bool set_int(napi_env env, napi_value obj, const char* name, int64_t value) {
  napi_value v;
  if (napi_create_int64(env, value, &v) != napi_ok) return false;
  return napi_set_named_property(env, obj, name, v) == napi_ok;
}

bool set_double(napi_env env, napi_value obj, const char* name, double value) {
  napi_value v;
  if (napi_create_double(env, value, &v) != napi_ok) return false;
  return napi_set_named_property(env, obj, name, v) == napi_ok;
}

bool set_null(napi_env env, napi_value obj, const char* name) {
  napi_value v;
  if (napi_get_null(env, &v) != napi_ok) return false;
  return napi_set_named_property(env, obj, name, v) == napi_ok;
}

bool set_string(napi_env env, napi_value obj, const char* name, const char* s, size_t len) {
  napi_value v;
  if (napi_create_string_utf8(env, s, len, &v) != napi_ok) return false;
  return napi_set_named_property(env, obj, name, v) == napi_ok;
}

bool make_u8(napi_env env, const uint8_t* data, size_t len, napi_value* out) {
  void* dst = nullptr;
  napi_value ab;
  if (napi_create_arraybuffer(env, len, &dst, &ab) != napi_ok) return false;
  if (len) memcpy(dst, data, len);
  return napi_create_typedarray(env, napi_uint8_array, len, ab, 0, out) == napi_ok;
}

bool set_u8(napi_env env, napi_value obj, const char* name, const uint8_t* data, size_t len) {
  napi_value v;
  if (!make_u8(env, data, len, &v)) return false;
  return napi_set_named_property(env, obj, name, v) == napi_ok;
}

// The number of bytes a lookup/update of this map copies: value_size, or for per-CPU maps
// round_up(value_size, 8) * possible CPUs. 0 when the map cannot be inspected.
uint64_t map_value_bytes(int fd, uint32_t* key_size) {
  struct bpf_map_info minfo;
  memset(&minfo, 0, sizeof(minfo));
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.info.bpf_fd = static_cast<uint32_t>(fd);
  attr.info.info_len = sizeof(minfo);
  attr.info.info = ptr_to_u64(&minfo);
  if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) != 0) return 0;
  *key_size = minfo.key_size;
  uint64_t size = minfo.value_size;
  switch (minfo.type) {
    case BPF_MAP_TYPE_PERCPU_HASH:
    case BPF_MAP_TYPE_PERCPU_ARRAY:
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
    case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE: {
      long cpus = 0;
      // possible CPUs, as the kernel counts them for per-CPU values: "0-N" in sysfs
      FILE* f = fopen("/sys/devices/system/cpu/possible", "r");
      if (f) {
        char buf[256] = {0};
        if (fgets(buf, sizeof(buf), f)) {
          // ranges like "0-3,5,7-8": the highest number + 1
          const char* q = buf;
          long hi = -1;
          while (*q) {
            if (*q >= '0' && *q <= '9') {
              long v = strtol(q, const_cast<char**>(&q), 10);
              if (v > hi) hi = v;
            } else {
              q++;
            }
          }
          cpus = hi + 1;
        }
        fclose(f);
      }
      if (cpus <= 0) cpus = sysconf(_SC_NPROCESSORS_CONF);
      if (cpus <= 0) return 0;
      size = ((size + 7) / 8) * 8 * static_cast<uint64_t>(cpus);
      break;
    }
    default:
      break;
  }
  return size;
}

// ---------------------------------------------------------------------------------------------
// mapCreate({type, keySize, valueSize, maxEntries, flags?, name?}) -> fd (>= 0) or -errno

napi_value MapCreate(napi_env env, napi_callback_info info) {
  napi_value o;
  if (!get_arg_object(env, info, &o)) return nullptr;
  uint32_t type = 0, key_size = 0, value_size = 0, max_entries = 0, flags = 0;
  if (get_u32(env, o, "type", &type) != 1 || get_u32(env, o, "keySize", &key_size) < 0 ||
      get_u32(env, o, "valueSize", &value_size) != 1 ||
      get_u32(env, o, "maxEntries", &max_entries) != 1 || get_u32(env, o, "flags", &flags) < 0) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? nullptr : throw_type(env, "mapCreate needs type, valueSize, maxEntries");
  }
  std::string name;
  if (get_string(env, o, "name", &name) < 0) return nullptr;

  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.map_type = type;
  attr.key_size = key_size;
  attr.value_size = value_size;
  attr.max_entries = max_entries;
  attr.map_flags = flags;
  size_t n = 0;
  for (char c : name) {  // the kernel accepts [A-Za-z0-9_.] only
    if (n + 1 >= sizeof(attr.map_name)) break;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.';
    attr.map_name[n++] = ok ? c : '_';
  }
  long fd = sys_bpf(BPF_MAP_CREATE, &attr, sizeof(attr));
  napi_value result;
  NAPI_OK(napi_create_int32(env, fd < 0 ? -errno : static_cast<int32_t>(fd), &result));
  return result;
}

// mapUpdate({fd, key, value, flags?}) -> 0 or errno
napi_value MapUpdate(napi_env env, napi_callback_info info) {
  napi_value o;
  if (!get_arg_object(env, info, &o)) return nullptr;
  int32_t fd = -1;
  uint32_t flags = 0;
  std::vector<uint8_t> key, value;
  if (get_i32(env, o, "fd", &fd) != 1 || get_bytes(env, o, "key", &key) != 1 ||
      get_bytes(env, o, "value", &value) != 1 || get_u32(env, o, "flags", &flags) < 0) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? nullptr : throw_type(env, "mapUpdate needs fd, key, value");
  }
  // The kernel copies as many bytes as the map's values take: never let it read past ours.
  uint32_t key_size = 0;
  uint64_t need = map_value_bytes(fd, &key_size);
  if (need == 0 || value.size() < need || key.size() < key_size) {
    napi_value result;
    NAPI_OK(napi_create_int32(env, need == 0 ? EBADF : EINVAL, &result));
    return result;
  }
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.map_fd = static_cast<uint32_t>(fd);
  attr.key = ptr_to_u64(key.data());
  attr.value = ptr_to_u64(value.data());
  attr.flags = flags;
  long r = sys_bpf(BPF_MAP_UPDATE_ELEM, &attr, sizeof(attr));
  napi_value result;
  NAPI_OK(napi_create_int32(env, r < 0 ? errno : 0, &result));
  return result;
}

// mapLookup({fd, key, valueSize}) -> Uint8Array or null (not found / error)
napi_value MapLookup(napi_env env, napi_callback_info info) {
  napi_value o;
  if (!get_arg_object(env, info, &o)) return nullptr;
  int32_t fd = -1;
  uint32_t value_size = 0;
  std::vector<uint8_t> key;
  if (get_i32(env, o, "fd", &fd) != 1 || get_bytes(env, o, "key", &key) != 1 ||
      get_u32(env, o, "valueSize", &value_size) != 1) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? nullptr : throw_type(env, "mapLookup needs fd, key, valueSize");
  }
  // valueSize is what the caller wants back; the buffer is as big as the kernel will write.
  uint32_t key_size = 0;
  uint64_t need = map_value_bytes(fd, &key_size);
  if (need > (256u << 20)) return throw_type(env, "map values too large");
  if (key.size() < key_size) need = 0;  // the kernel would read past the key: report not found
  if (value_size > need) value_size = static_cast<uint32_t>(need);
  std::vector<uint8_t> value(need ? need : 1);
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.map_fd = static_cast<uint32_t>(fd);
  attr.key = ptr_to_u64(key.data());
  attr.value = ptr_to_u64(value.data());
  long r = need ? sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr, sizeof(attr)) : -1;
  napi_value result;
  if (r < 0) {
    NAPI_OK(napi_get_null(env, &result));
    return result;
  }
  if (!make_u8(env, value.data(), value_size, &result)) return nullptr;
  return result;
}

// mapGetNextKey({fd, key?}) -> the key after `key` (the first key when absent), or null at the
// end (ENOENT) or on error. Iterating this way is how user space lists a hash map's keys.
napi_value MapGetNextKey(napi_env env, napi_callback_info info) {
  napi_value o;
  if (!get_arg_object(env, info, &o)) return nullptr;
  int32_t fd = -1;
  std::vector<uint8_t> key;
  int has_key = 0;
  if (get_i32(env, o, "fd", &fd) != 1 || (has_key = get_bytes(env, o, "key", &key)) < 0) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? nullptr : throw_type(env, "mapGetNextKey needs fd");
  }
  uint32_t key_size = 0;
  if (map_value_bytes(fd, &key_size) == 0 || key_size == 0 || key_size > 4096) {
    napi_value result;
    NAPI_OK(napi_get_null(env, &result));
    return result;
  }
  // Never let the kernel read past our key: pad a short one (it then names no entry).
  if (has_key == 1 && key.size() < key_size) key.resize(key_size, 0);
  std::vector<uint8_t> next(key_size);
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.map_fd = static_cast<uint32_t>(fd);
  attr.key = has_key == 1 ? ptr_to_u64(key.data()) : 0;
  attr.next_key = ptr_to_u64(next.data());
  long r = sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr, sizeof(attr));
  napi_value result;
  if (r < 0) {
    NAPI_OK(napi_get_null(env, &result));
    return result;
  }
  if (!make_u8(env, next.data(), next.size(), &result)) return nullptr;
  return result;
}

// mapDelete({fd, key}) -> 0 or errno
napi_value MapDelete(napi_env env, napi_callback_info info) {
  napi_value o;
  if (!get_arg_object(env, info, &o)) return nullptr;
  int32_t fd = -1;
  std::vector<uint8_t> key;
  if (get_i32(env, o, "fd", &fd) != 1 || get_bytes(env, o, "key", &key) != 1) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? nullptr : throw_type(env, "mapDelete needs fd, key");
  }
  uint32_t key_size = 0;
  int err = 0;
  if (map_value_bytes(fd, &key_size) == 0) {
    err = EBADF;
  } else if (key.size() < key_size) {
    err = EINVAL;
  } else {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_fd = static_cast<uint32_t>(fd);
    attr.key = ptr_to_u64(key.data());
    err = sys_bpf(BPF_MAP_DELETE_ELEM, &attr, sizeof(attr)) < 0 ? errno : 0;
  }
  napi_value result;
  NAPI_OK(napi_create_int32(env, err, &result));
  return result;
}

// mapFreeze(fd) -> 0 or errno. A frozen map cannot be changed from user space any more; with
// BPF_F_RDONLY_PROG it is what the verifier treats as constant (.rodata).
napi_value MapFreeze(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t fd = -1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    return throw_type(env, "mapFreeze(fd) needs an integer fd");
  }
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.map_fd = static_cast<uint32_t>(fd);
  int err = sys_bpf(BPF_MAP_FREEZE, &attr, sizeof(attr)) < 0 ? errno : 0;
  napi_value result;
  NAPI_OK(napi_create_int32(env, err, &result));
  return result;
}

// ringbufConsume(fd) -> {errno, records: Uint8Array[]}: the records committed to a
// BPF_MAP_TYPE_RINGBUF map and not consumed yet, oldest first (discarded ones are skipped), and
// the consumer position advanced past them, as libbpf's ring_buffer__consume does. The map is
// mapped as the kernel lays it out: page 0 the consumer position (writable), page 1 the producer
// position, then the data pages twice in a row (so a record that wraps is contiguous).
// Each record starts with an 8-byte header: u32 length | BUSY (bit 31) | DISCARD (bit 30), u32
// page offset; records are 8-byte aligned.
napi_value RingbufConsume(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t fd = -1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    return throw_type(env, "ringbufConsume(fd) needs an integer fd");
  }
  napi_value result, records;
  NAPI_OK(napi_create_object(env, &result));
  NAPI_OK(napi_create_array(env, &records));
  int err = 0;

  struct bpf_map_info minfo;
  memset(&minfo, 0, sizeof(minfo));
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.info.bpf_fd = static_cast<uint32_t>(fd);
  attr.info.info_len = sizeof(minfo);
  attr.info.info = ptr_to_u64(&minfo);
  const long page = sysconf(_SC_PAGESIZE);
  if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) != 0) {
    err = errno;
  } else if (minfo.type != BPF_MAP_TYPE_RINGBUF || page <= 0) {
    err = EINVAL;
  } else {
    const uint64_t size = minfo.max_entries;  // data bytes: a power of two, a multiple of a page
    const uint64_t mask = size - 1;
    void* cons = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void* prod = cons == MAP_FAILED
                     ? MAP_FAILED
                     : mmap(nullptr, page + 2 * size, PROT_READ, MAP_SHARED, fd, page);
    if (cons == MAP_FAILED || prod == MAP_FAILED) {
      err = errno;
    } else {
      volatile uint64_t* cons_pos = static_cast<volatile uint64_t*>(cons);
      const uint8_t* data = static_cast<const uint8_t*>(prod) + page;
      uint64_t c = __atomic_load_n(cons_pos, __ATOMIC_ACQUIRE);
      const uint64_t p = __atomic_load_n(static_cast<volatile uint64_t*>(prod), __ATOMIC_ACQUIRE);
      uint32_t n = 0;
      while (c < p) {
        const uint32_t hdr = __atomic_load_n(reinterpret_cast<const uint32_t*>(data + (c & mask)),
                                             __ATOMIC_ACQUIRE);
        if (hdr & (1u << 31)) break;  // reserved, not yet submitted: stop here, as libbpf does
        const uint32_t len = hdr & ~((1u << 31) | (1u << 30));
        if (!(hdr & (1u << 30))) {
          napi_value rec;
          if (len > size || !make_u8(env, data + (c & mask) + 8, len, &rec) ||
              napi_set_element(env, records, n++, rec) != napi_ok) {
            err = EIO;
            break;
          }
        }
        c += (static_cast<uint64_t>(len) + 8 + 7) & ~static_cast<uint64_t>(7);
        __atomic_store_n(cons_pos, c, __ATOMIC_RELEASE);
      }
    }
    if (prod != MAP_FAILED) munmap(prod, page + 2 * size);
    if (cons != MAP_FAILED) munmap(cons, page);
  }
  if (!set_int(env, result, "errno", err)) return nullptr;
  NAPI_OK(napi_set_named_property(env, result, "records", records));
  return result;
}

// btfLoad({btf}) -> {fd, errno, log}: loads raw BTF (header, types, strings) with BPF_BTF_LOAD,
// so that programs can name it (prog_btf_fd) for their func_info. The log says why the kernel
// refused it.
napi_value BtfLoad(napi_env env, napi_callback_info info) {
  napi_value o;
  if (!get_arg_object(env, info, &o)) return nullptr;
  std::vector<uint8_t> btf;
  if (get_bytes(env, o, "btf", &btf) != 1) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? nullptr : throw_type(env, "btfLoad needs btf (Uint8Array)");
  }
  if (btf.size() > (16u << 20)) return throw_type(env, "btf too large");
  std::vector<char> log(64 << 10, '\0');
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.btf = ptr_to_u64(btf.data());
  attr.btf_size = static_cast<uint32_t>(btf.size());
  attr.btf_log_buf = ptr_to_u64(log.data());
  attr.btf_log_size = static_cast<uint32_t>(log.size());
  attr.btf_log_level = 1;
  long fd = sys_bpf(BPF_BTF_LOAD, &attr, sizeof(attr));
  int err = fd < 0 ? errno : 0;
  napi_value result;
  NAPI_OK(napi_create_object(env, &result));
  if (!set_int(env, result, "fd", fd < 0 ? -1 : fd) || !set_int(env, result, "errno", err) ||
      !set_string(env, result, "log", log.data(), fd < 0 ? strnlen(log.data(), log.size()) : 0)) {
    return nullptr;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// progLoad({progType, insns, license?, logLevel?, logSize?, expectedAttachType?, progFlags?,
//           kernVersion?, name?, fdArray?, growLog?})
//   -> {fd, errno, log, logTrueSize, logTruncated, verifiedInsns, xlatedLen, jitedLen, attempts}
// fd is -1 when the kernel refused the program (errno says why: EACCES = verifier rejection,
// EINVAL = malformed, E2BIG = too many instructions, EPERM = not allowed).

napi_value ProgLoad(napi_env env, napi_callback_info info) {
  napi_value o;
  if (!get_arg_object(env, info, &o)) return nullptr;
  uint32_t prog_type = 0, log_level = 0, log_size = kDefaultLogSize, attach = 0, flags = 0,
           kern_version = 0;
  std::vector<uint8_t> insns;
  std::string license = "GPL";
  std::string name;
  std::vector<int32_t> fd_array;
  std::vector<uint8_t> func_info;  // struct bpf_func_info records {u32 insn_off, u32 type_id}
  int32_t btf_fd = -1;
  if (get_u32(env, o, "progType", &prog_type) != 1) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? nullptr : throw_type(env, "progLoad needs progType");
  }
  if (get_bytes(env, o, "insns", &insns) != 1) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? nullptr : throw_type(env, "progLoad needs insns (Uint8Array)");
  }
  if (get_u32(env, o, "logLevel", &log_level) < 0 || get_u32(env, o, "logSize", &log_size) < 0 ||
      get_u32(env, o, "expectedAttachType", &attach) < 0 ||
      get_u32(env, o, "progFlags", &flags) < 0 ||
      get_u32(env, o, "kernVersion", &kern_version) < 0 ||
      get_string(env, o, "license", &license) < 0 || get_string(env, o, "name", &name) < 0 ||
      get_i32_array(env, o, "fdArray", &fd_array) < 0 || get_i32(env, o, "btfFd", &btf_fd) < 0 ||
      get_bytes(env, o, "funcInfo", &func_info) < 0) {
    return nullptr;
  }
  if (func_info.size() % 8 != 0) return throw_type(env, "funcInfo length must be a multiple of 8");
  if (!func_info.empty() && btf_fd < 0) return throw_type(env, "funcInfo needs btfFd");
  // growLog: false keeps the first buffer even when the log does not fit. Since Linux 6.4 the
  // kernel then keeps the log's END (the error and the statistics) and fails with ENOSPC.
  bool grow_log = true;
  {
    napi_value v;
    if (get_prop(env, o, "growLog", &v) && napi_get_value_bool(env, v, &grow_log) != napi_ok) {
      return throw_type(env, "option 'growLog' must be a boolean");
    }
  }
  if (insns.size() % 8 != 0) return throw_type(env, "insns length must be a multiple of 8");
  if (insns.size() / 8 > kMaxInsns) return throw_type(env, "too many instructions");
  if (log_size < 256) log_size = 256;
  if (log_size > kMaxLogSize) log_size = kMaxLogSize;
  // The kernel wants log_size >= 128 and < UINT_MAX >> 2 (and a NUL-terminated result).

  std::vector<char> log;
  long fd = -1;
  int err = 0;
  uint32_t true_size = 0;
  bool truncated = false;
  int attempts = 0;
  for (;;) {
    attempts++;
    ProgLoadAttr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = prog_type;
    attr.insn_cnt = static_cast<uint32_t>(insns.size() / 8);
    attr.insns = ptr_to_u64(insns.data());
    attr.license = ptr_to_u64(license.c_str());
    attr.kern_version = kern_version;
    attr.prog_flags = flags;
    attr.expected_attach_type = attach;
    size_t n = 0;
    for (char c : name) {
      if (n + 1 >= sizeof(attr.prog_name)) break;
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.';
      attr.prog_name[n++] = ok ? c : '_';
    }
    if (!fd_array.empty()) attr.fd_array = ptr_to_u64(fd_array.data());
    if (btf_fd >= 0) attr.prog_btf_fd = static_cast<uint32_t>(btf_fd);
    if (!func_info.empty()) {
      attr.func_info_rec_size = 8;
      attr.func_info = ptr_to_u64(func_info.data());
      attr.func_info_cnt = static_cast<uint32_t>(func_info.size() / 8);
    }
    if (log_level != 0) {
      log.assign(log_size, '\0');
      attr.log_level = log_level;
      attr.log_size = log_size;
      attr.log_buf = ptr_to_u64(log.data());
    } else {
      log.clear();
    }
    fd = sys_bpf(BPF_PROG_LOAD, &attr, sizeof(attr));
    err = fd < 0 ? errno : 0;
    true_size = attr.log_true_size;
    // ENOSPC: the log did not fit (the kernel then fails the load even for a good program).
    // (A log the kernel says is bigger than the largest buffer is not retried: since Linux 6.4
    // the buffer we have already holds the log's end.)
    if (fd < 0 && err == ENOSPC && log_level != 0 && grow_log && log_size < kMaxLogSize &&
        true_size <= kMaxLogSize) {
      uint64_t want = static_cast<uint64_t>(log_size) * 4;
      if (true_size > log_size) want = static_cast<uint64_t>(true_size) + 4096;
      if (want > kMaxLogSize) want = kMaxLogSize;
      log_size = static_cast<uint32_t>(want);
      continue;
    }
    if (fd < 0 && err == ENOSPC && log_level != 0) truncated = true;
    break;
  }

  napi_value result;
  NAPI_OK(napi_create_object(env, &result));
  size_t log_len = log.empty() ? 0 : strnlen(log.data(), log.size());
  if (!set_int(env, result, "fd", fd < 0 ? -1 : fd) || !set_int(env, result, "errno", err) ||
      !set_string(env, result, "log", log.data() ? log.data() : "", log_len) ||
      !set_int(env, result, "logTrueSize", true_size) ||
      !set_int(env, result, "attempts", attempts)) {
    return nullptr;
  }
  napi_value tv;
  NAPI_OK(napi_get_boolean(env, truncated, &tv));
  NAPI_OK(napi_set_named_property(env, result, "logTruncated", tv));

  bool have_info = false;
  if (fd >= 0) {
    struct bpf_prog_info pinfo;
    memset(&pinfo, 0, sizeof(pinfo));
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.info.bpf_fd = static_cast<uint32_t>(fd);
    attr.info.info_len = sizeof(pinfo);
    attr.info.info = ptr_to_u64(&pinfo);
    if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr, sizeof(attr)) == 0) {
      have_info = true;
      // verified_insns exists since Linux 5.16; older kernels leave it 0 (reported as null).
      bool has_verified = attr.info.info_len >= offsetof(struct bpf_prog_info, verified_insns) + 4;
      if (has_verified) {
        if (!set_int(env, result, "verifiedInsns", pinfo.verified_insns)) return nullptr;
      } else if (!set_null(env, result, "verifiedInsns")) {
        return nullptr;
      }
      if (!set_int(env, result, "xlatedLen", pinfo.xlated_prog_len) ||
          !set_int(env, result, "jitedLen", pinfo.jited_prog_len) ||
          !set_int(env, result, "progId", pinfo.id)) {
        return nullptr;
      }
    }
  }
  if (!have_info) {
    if (!set_null(env, result, "verifiedInsns") || !set_null(env, result, "xlatedLen") ||
        !set_null(env, result, "jitedLen") || !set_null(env, result, "progId")) {
      return nullptr;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// progTestRun({fd, dataIn, ctxIn?, repeat?, dataOutSize?, ctxOutSize?})
//   -> {errno, retval, duration, dataOut, ctxOut}
// Never sets BPF_F_TEST_XDP_LIVE_FRAMES (which would transmit) or any other flag.

napi_value ProgTestRun(napi_env env, napi_callback_info info) {
  napi_value o;
  if (!get_arg_object(env, info, &o)) return nullptr;
  int32_t fd = -1;
  uint32_t repeat = 1, data_out_size = 0, ctx_out_size = 0;
  std::vector<uint8_t> data_in, ctx_in;
  if (get_i32(env, o, "fd", &fd) != 1) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    return pending ? nullptr : throw_type(env, "progTestRun needs fd");
  }
  int has_ctx = 0;
  if (get_bytes(env, o, "dataIn", &data_in) < 0 ||
      (has_ctx = get_bytes(env, o, "ctxIn", &ctx_in)) < 0 ||
      get_u32(env, o, "repeat", &repeat) < 0 ||
      get_u32(env, o, "dataOutSize", &data_out_size) < 0 ||
      get_u32(env, o, "ctxOutSize", &ctx_out_size) < 0) {
    return nullptr;
  }
  if (data_in.size() > kMaxPacket) return throw_type(env, "dataIn too large");
  if (repeat == 0) repeat = 1;
  if (data_out_size == 0) data_out_size = static_cast<uint32_t>(data_in.size()) + 4096;
  if (data_out_size > kMaxPacket) data_out_size = kMaxPacket;
  if (has_ctx == 1 && ctx_out_size == 0) ctx_out_size = static_cast<uint32_t>(ctx_in.size());
  if (ctx_out_size > kMaxPacket) ctx_out_size = kMaxPacket;

  std::vector<uint8_t> data_out(data_out_size ? data_out_size : 1);
  std::vector<uint8_t> ctx_out(ctx_out_size ? ctx_out_size : 1);
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.test.prog_fd = static_cast<uint32_t>(fd);
  attr.test.data_size_in = static_cast<uint32_t>(data_in.size());
  attr.test.data_in = data_in.empty() ? 0 : ptr_to_u64(data_in.data());
  attr.test.data_size_out = data_out_size;
  attr.test.data_out = ptr_to_u64(data_out.data());
  attr.test.repeat = repeat;
  if (has_ctx == 1) {
    attr.test.ctx_size_in = static_cast<uint32_t>(ctx_in.size());
    attr.test.ctx_in = ctx_in.empty() ? 0 : ptr_to_u64(ctx_in.data());
    attr.test.ctx_size_out = ctx_out_size;
    attr.test.ctx_out = ptr_to_u64(ctx_out.data());
  }
  attr.test.flags = 0;
  long r = sys_bpf(BPF_PROG_TEST_RUN, &attr, sizeof(attr));
  int err = r < 0 ? errno : 0;

  napi_value result;
  NAPI_OK(napi_create_object(env, &result));
  if (!set_int(env, result, "errno", err) ||
      !set_double(env, result, "retval", static_cast<double>(attr.test.retval)) ||
      !set_double(env, result, "duration", static_cast<double>(attr.test.duration))) {
    return nullptr;
  }
  // On success (or ENOSPC, where the kernel still copies what fits) report the output bytes.
  size_t out_len = 0;
  if (r == 0 || err == ENOSPC) {
    out_len = attr.test.data_size_out;
    if (out_len > data_out.size()) out_len = data_out.size();
  }
  if (!set_u8(env, result, "dataOut", data_out.data(), out_len)) return nullptr;
  if (has_ctx == 1 && (r == 0 || err == ENOSPC)) {
    size_t cl = attr.test.ctx_size_out;
    if (cl > ctx_out.size()) cl = ctx_out.size();
    if (!set_u8(env, result, "ctxOut", ctx_out.data(), cl)) return nullptr;
  } else if (!set_null(env, result, "ctxOut")) {
    return nullptr;
  }
  return result;
}

// close(fd) -> 0 or errno
napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t fd = -1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    return throw_type(env, "close(fd) needs an integer fd");
  }
  // Refuse stdin/stdout/stderr: closing those by mistake would break the process.
  int r = fd > 2 ? close(fd) : -1;
  napi_value result;
  NAPI_OK(napi_create_int32(env, r < 0 ? (fd > 2 ? errno : EBADF) : 0, &result));
  return result;
}

// geteuid() -> number (lets the wrapper explain a refusal)
napi_value GetEuid(napi_env env, napi_callback_info) {
  napi_value result;
  NAPI_OK(napi_create_uint32(env, static_cast<uint32_t>(geteuid()), &result));
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"mapCreate", nullptr, MapCreate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mapUpdate", nullptr, MapUpdate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mapLookup", nullptr, MapLookup, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mapGetNextKey", nullptr, MapGetNextKey, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mapDelete", nullptr, MapDelete, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"mapFreeze", nullptr, MapFreeze, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"btfLoad", nullptr, BtfLoad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"ringbufConsume", nullptr, RingbufConsume, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"progLoad", nullptr, ProgLoad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"progTestRun", nullptr, ProgTestRun, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"geteuid", nullptr, GetEuid, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) {
    return nullptr;
  }
  napi_value version;
  // Bump together with EXPECTED_ABI in src/oracle/native.ts whenever the exports change.
  if (napi_create_uint32(env, 2, &version) == napi_ok) {
    napi_set_named_property(env, exports, "abiVersion", version);
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
