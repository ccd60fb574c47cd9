using System.Diagnostics;

namespace XcpTunnel.Benchmarks;

/// <summary>The measurements, each over one path; the runner interleaves paths so drifting load hits all alike.</summary>
internal static class Measurements
{
    private const int WarmUpRoundTrips = 200;

    /// <summary>One connection: download then upload <paramref name="bytes"/>; MiB/s each way.</summary>
    public static async Task<(double Download, double Upload)> ThroughputAsync(IConsolePath path, long bytes, CancellationToken cancellationToken)
    {
        await using var client = await OpenAsync(path, cancellationToken);
        var down = await client.DownloadAsync(bytes, cancellationToken);
        var up = await client.UploadAsync(bytes, cancellationToken);
        return (Statistics.MibPerSecond(bytes, down), Statistics.MibPerSecond(bytes, up));
    }

    /// <summary>Round trips of 64-byte messages on one warm connection, in microseconds.</summary>
    public static async Task<double[]> RoundTripsAsync(IConsolePath path, int count, CancellationToken cancellationToken)
    {
        await using var client = await OpenAsync(path, cancellationToken);
        await client.EchoAsync(WarmUpRoundTrips, cancellationToken);
        return [.. (await client.EchoAsync(count, cancellationToken)).Select(t => t.TotalMicroseconds)];
    }

    /// <summary>TCP connect to ServerInit (the viewer's whole handshake), in milliseconds, one connection at a time.</summary>
    public static async Task<double[]> SetupAsync(IConsolePath path, int count, CancellationToken cancellationToken)
    {
        var samples = new double[count];
        for (int i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await using var client = new BulkClient(await path.OpenAsync(cancellationToken));
            await client.HandshakeAsync(cancellationToken);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return samples;
    }

    /// <summary><paramref name="streams"/> connections downloading <paramref name="bytesEach"/> at once; aggregate MiB/s.</summary>
    public static async Task<double> ParallelDownloadAsync(IConsolePath path, int streams, long bytesEach, CancellationToken cancellationToken)
    {
        var clients = await OpenManyAsync(path, streams, cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(clients.Select(c => c.DownloadAsync(bytesEach, cancellationToken)));
            return Statistics.MibPerSecond(bytesEach * streams, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            await DisposeAllAsync(clients);
        }
    }

    /// <summary>Opens and greets <paramref name="count"/> connections, 50 at a time.</summary>
    public static async Task<List<BulkClient>> OpenManyAsync(IConsolePath path, int count, CancellationToken cancellationToken)
    {
        var clients = new List<BulkClient>(count);
        try
        {
            for (int opened = 0; opened < count; opened += 50)
            {
                clients.AddRange(await Task.WhenAll(
                    Enumerable.Range(0, Math.Min(50, count - opened)).Select(_ => OpenAsync(path, cancellationToken))));
            }

            return clients;
        }
        catch
        {
            await DisposeAllAsync(clients);
            throw;
        }
    }

    public static async Task DisposeAllAsync(IEnumerable<BulkClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static async Task<BulkClient> OpenAsync(IConsolePath path, CancellationToken cancellationToken)
    {
        var client = new BulkClient(await path.OpenAsync(cancellationToken));
        try
        {
            await client.HandshakeAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }
}
