using System.Globalization;
using System.Text.Json;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// Debian's Prometheus server on a free loopback port with a configuration of its own (one job scraping one target
/// every second) and a storage directory of its own, queried through its HTTP API as Grafana or an alert rule would.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly RunningProcess _process;
    private readonly TemporaryDirectory _directory;
    private readonly HttpClient _http;

    private PrometheusServer(RunningProcess process, TemporaryDirectory directory, int port)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TestTimeouts.Default };
    }

    public string Log => _process.StandardError;

    /// <summary>Starts it scraping <paramref name="target"/>'s <c>/metrics</c> and waits until its API answers.</summary>
    public static Task<PrometheusServer> StartAsync(Uri target) => TestPorts.BindingAsync(() => StartOnceAsync(target));

    private static async Task<PrometheusServer> StartOnceAsync(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var directory = TemporaryDirectory.Create("xcptunnel-prometheus-");
        var config = directory.File("prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: xcptunnel
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var port = TestPorts.Free();
        var process = Processes.Start(new ProcessSpec(
            PeerProgram.Prometheus.Require(),
            [
                $"--config.file={config}", $"--storage.tsdb.path={directory.File("data")}",
                string.Create(CultureInfo.InvariantCulture, $"--web.listen-address=127.0.0.1:{port}"), "--log.level=warn",
            ]));
        var server = new PrometheusServer(process, directory, port);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await server.IsReadyAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var description = process.Describe("prometheus did not start");
                await server.DisposeAsync();
                throw new InvalidOperationException(description);
            }

            await Task.Delay(100);
        }

        return server;
    }

    /// <summary>Evaluates <paramref name="promQl"/> now: every series' labels and value.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promQl)
    {
        var body = await _http.GetStringAsync(new Uri("api/v1/query?query=" + Uri.EscapeDataString(promQl), UriKind.Relative)).Bounded();
        using var json = JsonDocument.Parse(body);
        Assert.Equal("success", json.RootElement.GetProperty("status").GetString());
        return
        [
            .. json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => (
                (IReadOnlyDictionary<string, string>)series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty),
                double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))),
        ];
    }

    /// <summary>Queries until the answer satisfies <paramref name="done"/>: scrapes come once a second.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> WaitForAsync(
        string promQl, Func<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>, bool> done)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            var answer = await QueryAsync(promQl);
            if (done(answer))
            {
                return answer;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{promQl} never gave the expected answer; last: {string.Join("; ", answer.Select(a => a.Value))}\n{Log}");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        _directory.Dispose();
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("-/ready", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
