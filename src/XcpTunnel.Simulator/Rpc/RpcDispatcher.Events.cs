using System.Globalization;

namespace XcpTunnel.Simulator.Rpc;

internal sealed partial class RpcDispatcher
{
    /// <summary>
    /// <c>event.from(session, classes, token, timeout)</c>: the changes to objects of <c>classes</c> since
    /// <c>token</c>, waiting up to <c>timeout</c> seconds when there are none. The empty token returns every current
    /// object as an <c>add</c> (as xapi does for generation 0). Class names match case-insensitively; <c>*</c> means all.
    /// </summary>
    private async Task<object?> EventFromAsync(Call call)
    {
        IReadOnlyList<string> classes = RpcValue.AsStringList(call.Args[0], "classes");
        string token = RpcValue.AsString(call.Args[1], "token");
        double timeoutSeconds = RpcValue.AsDouble(call.Args[2], "timeout");
        if (!EventLog.TryParseToken(token, out long since))
        {
            throw new XapiFailureException(XapiErrors.EventFromTokenParseFailure, token);
        }

        bool all = classes.Any(c => c == "*");
        bool Wanted(string cls) => all || classes.Any(c => c.Equals(cls, StringComparison.OrdinalIgnoreCase));

        TimeSpan timeout = TimeSpan.FromSeconds(Math.Clamp(timeoutSeconds, 0, 24 * 3600));
        using var timeoutCts = new CancellationTokenSource(timeout, pool.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(call.CancellationToken, timeoutCts.Token);
        while (true)
        {
            Task nextChange;
            lock (Db.Sync)
            {
                List<object?> events = token.Length == 0 ? CurrentObjectsAsAdds(Wanted) : Changes(since, Wanted);
                if (events.Count > 0 || timeoutCts.IsCancellationRequested)
                {
                    return new Dictionary<string, object?>(StringComparer.Ordinal)
                    {
                        ["events"] = events,
                        ["valid_ref_counts"] = new Dictionary<string, object?>(StringComparer.Ordinal),
                        ["token"] = EventLog.FormatToken(Db.Events.Generation),
                    };
                }

                since = Db.Events.Generation;
                nextChange = Db.Events.NextChange;
            }

            try
            {
                await nextChange.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!call.CancellationToken.IsCancellationRequested)
            {
                // Timed out: the loop answers with no events and the current token.
            }
        }
    }

    private List<object?> Changes(long since, Func<string, bool> wanted)
    {
        if (Db.Events.IsLost(since))
        {
            throw new XapiFailureException(XapiErrors.EventsLost);
        }

        return Db.Events.Since(since)
            .Where(e => wanted(e.Class))
            .Select(e => (object?)EventRecord(e.Id, e.Timestamp, e.Class, e.Operation, e.Ref, e.Snapshot))
            .ToList();
    }

    private List<object?> CurrentObjectsAsAdds(Func<string, bool> wanted)
    {
        var events = new List<object?>();
        DateTimeOffset now = pool.TimeProvider.GetUtcNow();
        foreach (string cls in new[] { EventLog.VmClass, EventLog.ConsoleClass, EventLog.HostClass, EventLog.PoolClass }.Where(wanted))
        {
            foreach ((string objectRef, Dictionary<string, object?> record) in ObjectClass.Find(cls)!.All(Db))
            {
                events.Add(EventRecord(Db.Events.Generation, now, cls, EventLog.Add, objectRef, record));
            }
        }

        return events;
    }

    private static Dictionary<string, object?> EventRecord(long id, DateTimeOffset timestamp, string cls, string operation, string objectRef, Dictionary<string, object?> snapshot) =>
        new(StringComparer.Ordinal)
        {
            ["id"] = id,
            ["timestamp"] = (timestamp.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture),
            ["class"] = cls,
            ["operation"] = operation,
            ["ref"] = objectRef,
            ["snapshot"] = snapshot,
        };
}
