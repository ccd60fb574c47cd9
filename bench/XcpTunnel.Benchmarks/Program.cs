using XcpTunnel.Benchmarks;

// Usage: ./bench.sh (builds Release, installs socat if missing) or
// dotnet run -c Release --project bench/XcpTunnel.Benchmarks -- --xcptunnel src/XcpTunnel/bin/Release/net10.0/xcptunnel [--transfer-mib N …]
return await BenchRun.RunAsync(BenchSettings.Parse(args));
