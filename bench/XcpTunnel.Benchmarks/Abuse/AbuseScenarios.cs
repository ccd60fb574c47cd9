using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Benchmarks.Abuse;

/// <summary>One attack: what was done, whether the daemon held, and the figures that say so.</summary>
internal sealed record AbuseResult(string Attack, bool Held, string Figures);

/// <summary>
/// Attacks any local account can make on the daemon, on loopback and bounded in time, each with the figure that
/// shows whether it held: the daemon stays up, real viewers are served or told why, nothing spins, the log does not
/// fill. <c>./bench.sh --abuse</c> prints them as a table; tests/XcpTunnel.Tests/Abuse asserts each.
/// </summary>
internal static class AbuseScenarios
{
    /// <summary>How soon after an attack ends a real viewer or monitoring request must be answered.</summary>
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(2);

    /// <summary>At most this share of one core while silent sockets are held: anything more is a loop spinning.</summary>
    public const double MaxIdleCpu = 0.2;

    /// <summary>
    /// <paramref name="count"/> sockets that connect to <paramref name="target"/> and say nothing, held for a few
    /// seconds, then closed; then a real request to the same place.
    /// </summary>
    public static async Task<AbuseResult> SilentFloodAsync(AbuseRig rig, IPEndPoint target, int count, string name)
    {
        var sockets = await AbuseRig.ConnectSilentlyAsync(target, count);
        double cpu;
        try
        {
            // The greetings and refusals of the flood itself cost CPU; what counts is the time after. A fixed second
            // was not always enough: on a busy machine the daemon was still answering the flood, and that work was
            // counted as the idle daemon's.
            await AnsweredAsync(sockets);
            var before = rig.Daemon.CpuTime();
            var held = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(3));
            cpu = (rig.Daemon.CpuTime() - before) / held.Elapsed;
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }

        var answered = Stopwatch.StartNew();
        var answer = target.Equals(rig.Health) ? await HealthzAsync(rig.Health) : await ServerInitAsync(target);
        var took = answered.Elapsed;
        var held2 = !rig.Daemon.HasExited && answer && took <= AnswerWithin && cpu <= MaxIdleCpu;
        return new AbuseResult(
            $"{count} silent sockets to {name}, descriptors limited to 1024",
            held2,
            Invariant($"daemon up: {!rig.Daemon.HasExited}; CPU while held {cpu:P0} of a core; afterwards answered in {took.TotalMilliseconds:0} ms: {answer}"));
    }

    /// <summary>
    /// Waits until the daemon has answered what it will of <paramref name="sockets"/>: a greeting, a refusal or a
    /// close reached some of them, and then nothing more for a second (sockets beyond its descriptors stay in the
    /// backlog unanswered). Bounded: a daemon still answering after <c>15 s</c> is measured as it is.
    /// </summary>
    private static async Task AnsweredAsync(List<Socket> sockets)
    {
        var answered = new bool[sockets.Count];
        var overall = Stopwatch.StartNew();
        var sinceLast = Stopwatch.StartNew();
        while (sinceLast.Elapsed < TimeSpan.FromSeconds(1) && overall.Elapsed < TimeSpan.FromSeconds(15))
        {
            for (var i = 0; i < sockets.Count; i++)
            {
                // Readable: bytes arrived, or the daemon closed it.
                if (!answered[i] && sockets[i].Poll(0, SelectMode.SelectRead))
                {
                    answered[i] = true;
                    sinceLast.Restart();
                }
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// As many viewers as the tunnel has places send their version and then nothing; another is refused meanwhile;
    /// once the handshake deadline (2 s in the rig) has passed, a real viewer gets a place.
    /// </summary>
    public static async Task<AbuseResult> SilentViewersAsync(AbuseRig rig, int slots)
    {
        var started = Stopwatch.StartNew();
        var squatters = await AbuseRig.ConnectSilentlyAsync(rig.Open, slots);
        try
        {
            foreach (var squatter in squatters)
            {
                await ReadExactlyAsync(squatter, 12);
                await squatter.SendAsync("RFB 003.008\n"u8.ToArray());
            }

            var refusedMeanwhile = !await ServerInitAsync(rig.Open);
            var admitted = false;
            while (!admitted && started.Elapsed < TimeSpan.FromSeconds(10))
            {
                admitted = await ServerInitAsync(rig.Open);
            }

            var took = started.Elapsed;
            return new AbuseResult(
                $"{slots} viewers send a version, then nothing",
                refusedMeanwhile && admitted && took <= TimeSpan.FromSeconds(2) + AnswerWithin,
                Invariant($"another viewer refused while they held the places: {refusedMeanwhile}; a real viewer admitted {took.TotalMilliseconds:0} ms after they came (deadline 2 s)"));
        }
        finally
        {
            squatters.ForEach(s => s.Dispose());
        }
    }

    /// <summary><paramref name="count"/> viewers connect at once; each must get the tunnel's greeting within <see cref="AnswerWithin"/>.</summary>
    public static async Task<AbuseResult> BurstAsync(AbuseRig rig, int count)
    {
        var times = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(rig.Open);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await ReadExactlyAsync(socket, 12, timeout.Token);
                return clock.Elapsed;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or EndOfStreamException)
            {
                return TimeSpan.MaxValue;
            }
        }));
        var answered = times.Count(t => t <= AnswerWithin);
        var slowest = times.Max();
        return new AbuseResult(
            $"{count} viewers connect at once",
            answered == count,
            Invariant($"greeted within {AnswerWithin.TotalSeconds:0} s: {answered} of {count}; slowest {(slowest == TimeSpan.MaxValue ? "never" : slowest.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms")}"));
    }

    /// <summary><paramref name="count"/> connections to a tunnel that refuses their user: the log must not grow with them.</summary>
    public static async Task<AbuseResult> RefusalFloodAsync(AbuseRig rig, int count, long maxLines)
    {
        var before = rig.Daemon.Lines;
        for (var i = 0; i < count; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(rig.Closed);
        }

        // The daemon takes them from its backlog after the last one: it has handled them all once it refuses one
        // more that came after them (a fixed wait would count too few lines whenever it was slower than that).
        var lastRefused = await RefusedAsync(rig.Closed);
        var lines = rig.Daemon.Lines - before;
        return new AbuseResult(
            $"{count} connections refused by the allow list",
            lastRefused && lines <= maxLines && !rig.Daemon.HasExited,
            Invariant($"log lines written: {lines} (at most {maxLines}); one more refused after them: {lastRefused}"));
    }

    /// <summary>Connects to <paramref name="tunnel"/> and reads until it closes: true when it did within 30 s.</summary>
    private static async Task<bool> RefusedAsync(IPEndPoint tunnel)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(tunnel, timeout.Token);
            var buffer = new byte[256];
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return ex is SocketException;
        }
    }

    /// <summary>A viewer's whole RFB 3.8 handshake; false when the tunnel refused it or did not answer in time.</summary>
    public static async Task<bool> ServerInitAsync(IPEndPoint tunnel)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await using var client = new BulkClient(await Tcp.ConnectAsync(tunnel.Port, timeout.Token));
            await client.HandshakeAsync(timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or EndOfStreamException or InvalidDataException or IOException)
        {
            return false;
        }
    }

    /// <summary>A monitoring check: true when <c>/healthz</c> answered a success within 5 s.</summary>
    public static async Task<bool> HealthzAsync(IPEndPoint health)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var response = await http.GetAsync(new Uri($"http://127.0.0.1:{health.Port.ToString(CultureInfo.InvariantCulture)}/healthz"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static async Task ReadExactlyAsync(Socket socket, int count, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[count];
        var done = 0;
        while (done < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(done), cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            done += read;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
