using XcpTunnel.Benchmarks;
using XcpTunnel.Benchmarks.Abuse;

// Usage: ./bench.sh (builds Release, installs socat if missing), ./bench.sh --abuse, or
// dotnet run -c Release --project bench/XcpTunnel.Benchmarks -- --xcptunnel src/XcpTunnel/bin/Release/net10.0/xcptunnel [--transfer-mib N …]
var abuse = args.Contains("--abuse");
var settings = BenchSettings.Parse([.. args.Where(a => a != "--abuse")]);
return abuse ? await AbuseRun.RunAsync(settings) : await BenchRun.RunAsync(settings);
