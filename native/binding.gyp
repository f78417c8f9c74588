{
  "targets": [
    {
      "target_name": "bpf_oracle",
      "sources": ["bpf_oracle.cc"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
      "conditions": [
        ["OS!='linux'", { "sources!": ["bpf_oracle.cc"], "type": "none" }]
      ]
    }
  ]
}
