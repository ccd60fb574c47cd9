using System.Globalization;

namespace XcpTunnel.Simulator.Rpc;

internal sealed partial class RpcDispatcher
{
    /// <summary>
    /// <c>event.from(session, classes, token, timeout)</c>: the changes to objects of <c>classes</c> since
    /// <c>token</c>, waiting up to <c>timeout</c> seconds when there are none. The empty token, and the zero token,
    /// return every current object as an <c>add</c> (generation 0). With no classes no table is scanned, so the token
    /// returned is the zero token (xapi_event.ml): a caller that takes it for "now" replays everything next time.
    /// Class names match case-insensitively; <c>*</c> means all.
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
                List<object?> events = since == 0 ? CurrentObjectsAsAdds(Wanted) : Changes(since, Wanted);
                if (events.Count > 0 || timeoutCts.IsCancellationRequested || classes.Count == 0)
                {
                    pool.Counters.EventsSent(events.Count);
                    return new Dictionary<string, object?>(StringComparer.Ordinal)
                    {
                        ["events"] = events,
                        ["valid_ref_counts"] = new Dictionary<string, object?>(StringComparer.Ordinal),
                        ["token"] = EventLog.FormatToken(classes.Count == 0 ? 0 : Db.Events.Generation),
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

    /// <summary>
    /// <c>event.inject(session, class, ref)</c>: an artificial <c>mod</c> event on the object, returning the token of
    /// that event: the way to get a current token without being sent every object (what Xen Orchestra does).
    /// </summary>
    private string EventInject(Call call)
    {
        string cls = RpcValue.AsString(call.Args[0], "class");
        string objectRef = RpcValue.AsString(call.Args[1], "ref");
        ObjectClass objectClass = ObjectClass.Find(cls) ?? throw new XapiFailureException(XapiErrors.HandleInvalid, cls, objectRef);
        lock (Db.Sync)
        {
            Dictionary<string, object?> record = objectClass.Get(Db, objectRef) ?? throw new XapiFailureException(XapiErrors.HandleInvalid, cls, objectRef);
            Db.Events.Append(cls.ToLowerInvariant(), EventLog.Mod, objectRef, record);
            return EventLog.FormatToken(Db.Events.Generation);
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

    // xapi_event.ml builds a "del" event without a snapshot: the row is gone when the event is read.
    private static Dictionary<string, object?> EventRecord(long id, DateTimeOffset timestamp, string cls, string operation, string objectRef, Dictionary<string, object?> snapshot)
    {
        var record = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["id"] = id,
            ["timestamp"] = (timestamp.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture),
            ["class"] = cls,
            ["operation"] = operation,
            ["ref"] = objectRef,
        };
        if (operation != EventLog.Del)
        {
            record["snapshot"] = snapshot;
        }

        return record;
    }
}
