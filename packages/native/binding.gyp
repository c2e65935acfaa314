{
  "targets": [
    {
      "target_name": "runge_native",
      "sources": [
        "src/cc/addon.cc",
        "src/cc/pool.cc",
        "src/cc/gemm.cc",
        "src/cc/microkernel-avx2.cc",
        "src/cc/conv.cc",
        "src/cc/conv-direct-avx2.cc",
        "src/cc/conv-direct-avx512.cc",
        "src/cc/elementwise.cc",
        "src/cc/elementwise-avx2.cc",
        "src/cc/elementwise-avx512.cc"
      ],
      "cflags_cc!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno"],
      "cflags!": ["-O2"],
      "cflags": ["-O3"],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [
        ["OS=='linux'", { "ldflags": ["-pthread"], "cflags_cc": ["-pthread"] }],
        ["OS=='mac'", { "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] } }]
      ]
    }
  ]
}
