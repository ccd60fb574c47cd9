using System.Text.Json;
using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Sessions;

// Logging in: every address the pool is known by is asked at once, so a dead coordinator (which times out, it does
// not refuse) costs nothing when another host answers. Members answer HOST_IS_SLAVE without making a session, so
// however many are asked, one session is made: the coordinator's.
public sealed partial class XapiPoolSession
{
    /// <summary>How many times a HOST_IS_SLAVE naming a host not asked yet is followed.</summary>
    private const int MaxCoordinatorRedirects = 3;

    private async Task<LiveSession> LoginAsync(Uri? lastCoordinator, string? hint, CancellationToken cancellationToken)
    {
        var template = lastCoordinator ?? Options.Url;
        var candidates = Candidates(template, lastCoordinator, hint);
        var asked = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var failures = new List<(Uri Url, Exception Error)>();
        for (var round = 0; round <= MaxCoordinatorRedirects && candidates.Count > 0; round++)
        {
            asked.UnionWith(candidates.Select(c => c.Authority));
            var wave = await LoginWaveAsync(candidates, cancellationToken).ConfigureAwait(false);
            if (wave.Session is { } live)
            {
                return live;
            }

            if (wave.Refusal is { } refusal)
            {
                // XAPI answered: the credentials (or the account) are wrong; other hosts would say the same.
                throw new XapiLoginException($"XAPI login failed for {Options.UserName} on {Options.Name}: {refusal.Message}", refusal);
            }

            failures.AddRange(wave.Failures);
            candidates = [.. wave.Coordinators
                .Select(address => CoordinatorUrlFor(template, address))
                .Where(url => asked.Add(url.Authority))];
        }

        if (failures.Count == 0)
        {
            throw new XapiLoginException(
                $"XAPI login failed for {Options.UserName} on {Options.Name}: no host of the pool answered",
                new XapiTransportException(XapiTransportFailure.ConnectionLost, "no host of the pool answered"));
        }

        foreach (var (url, error) in failures)
        {
            XapiSessionLog.UrlFailed(_logger, Options.Name, url, error.Message);
        }

        // The first failure that is not a redirect says most: the coordinator's own, or the configured URL's.
        var (_, first) = failures.FirstOrDefault(f => f.Error is not XapiFailureException { ErrorCode: XapiErrorCodes.HostIsSlave }, failures[0]);
        var others = failures.Count > 1 ? $" (and {failures.Count - 1} other address(es) of the pool failed too)" : string.Empty;
        // A rejected certificate stopped us before any login was tried: saying "login failed" sends people to the password.
        throw new XapiLoginException(
            first is Tls.CertificateTrustException
                ? $"pool {Options.Name}: {first.Message}{others}"
                : $"XAPI login failed for {Options.UserName} on {Options.Name}: {first.Message}{others}",
            first);
    }

    /// <summary>
    /// Where to look for the coordinator, most likely first: the host a member just named, the last coordinator, the
    /// configured URLs, then every host the pool's records named. One URL per authority.
    /// </summary>
    private List<Uri> Candidates(Uri template, Uri? lastCoordinator, string? hint)
    {
        IEnumerable<Uri?> all =
        [
            hint is null ? null : CoordinatorUrlFor(template, hint),
            lastCoordinator,
            Options.Url,
            .. Options.FallbackUrls,
            .. Members.All.Select(m => CoordinatorUrlFor(template, m.Address)),
        ];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return [.. all.OfType<Uri>().Where(url => seen.Add(url.Authority))];
    }

    // A host address names no scheme or port: they stay those of the URL the pool is reached by (443 in practice).
    private static Uri CoordinatorUrlFor(Uri template, string address) =>
        new UriBuilder(template.Scheme, HostPort.FormatHost(address.Trim()), template.Port).Uri;

    /// <summary>Asks every URL at once; the first session wins and the other attempts are cancelled.</summary>
    private async Task<Wave> LoginWaveAsync(IReadOnlyList<Uri> urls, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var attempts = urls.Select(url => AttemptAsync(url, stop.Token)).ToList();
        var pending = attempts.ToList();
        LiveSession? winner = null;
        XapiFailureException? refusal = null;
        while (pending.Count > 0 && winner is null && refusal is null)
        {
            var done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            var attempt = await done.ConfigureAwait(false);
            winner = attempt.Session;
            refusal = attempt.Refusal;
        }

        if (pending.Count > 0)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            _ = LogOutLateSessionsAsync(pending);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var finished = attempts.Where(a => a.IsCompletedSuccessfully).Select(a => a.Result).ToList();
        return new Wave(
            winner,
            refusal,
            [.. finished.Where(a => a.Failure is not null).Select(a => (a.Url, a.Failure!))],
            [.. finished.Select(a => a.Coordinator).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)]);
    }

    // A second host that also made a session (two coordinators for a moment, as a failover settles) must not leave
    // it behind: xapi keeps it for 24 h and counts it against the user's quota.
    private async Task LogOutLateSessionsAsync(List<Task<Attempt>> pending)
    {
        foreach (var task in pending)
        {
            var attempt = await task.ConfigureAwait(false);
            if (attempt.Session is { } late)
            {
                await LogoutAsync(late).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One login at <paramref name="url"/>; never throws, not even when cancelled.</summary>
    private async Task<Attempt> AttemptAsync(Uri url, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var attempt = await AttemptOnceAsync(url, cancellationToken).ConfigureAwait(false);
        // Another caller gave up the connection under it (its call failed on that host meanwhile): that says nothing
        // about the host, so the login is made again, once, on a fresh connection.
        return attempt.Failure is XapiTransportException { GivenUp: true }
            ? await AttemptOnceAsync(url, cancellationToken).ConfigureAwait(false)
            : attempt;
    }

    private async Task<Attempt> AttemptOnceAsync(Uri url, CancellationToken cancellationToken)
    {
        var client = ClientFor(url);
        try
        {
            var result = await TimedCallAsync(
                client,
                "session.login_with_password",
                [Options.UserName, Options.Password.Value, LoginApiVersion, Options.Originator],
                XapiCallOptions.Default,
                cancellationToken).ConfigureAwait(false);
            var reference = result?.GetValueKind() == JsonValueKind.String ? result.GetValue<string>() : null;
            if (string.IsNullOrEmpty(reference))
            {
                return Attempt.Failed(url, new XapiTransportException(
                    XapiTransportFailure.MalformedReply, $"{url} answered the login without a session reference"));
            }

            var live = new LiveSession(new XapiSessionRef(reference), client);
            XapiSessionLog.LoggedIn(_logger, Options.Name, url, Options.UserName);
            await RefreshMembersAsync(live, cancellationToken).ConfigureAwait(false);
            return new Attempt(url, live, null, null, null);
        }
        catch (XapiFailureException ex) when (ex.ErrorCode == XapiErrorCodes.HostIsSlave)
        {
            var coordinator = ex.Parameters.Count > 0 && !string.IsNullOrWhiteSpace(ex.Parameters[0]) ? ex.Parameters[0] : null;
            if (coordinator is not null)
            {
                XapiSessionLog.RedirectedToCoordinator(_logger, Options.Name, url, coordinator);
            }

            return new Attempt(url, null, null, ex, coordinator);
        }
        catch (XapiFailureException ex) when (!IsHostFailure(ex))
        {
            return new Attempt(url, null, ex, null, null);
        }
        catch (Exception ex) when (ex is XcpTunnelException)
        {
            return Attempt.Failed(url, ex);
        }
        catch (OperationCanceledException)
        {
            return Attempt.Failed(url, ex: null);
        }
    }

    /// <summary>How one login attempt ended: a session, a refusal of the credentials, or a failure of that host.</summary>
    private sealed record Attempt(Uri Url, LiveSession? Session, XapiFailureException? Refusal, Exception? Failure, string? Coordinator)
    {
        public static Attempt Failed(Uri url, Exception? ex) => new(url, null, null, ex, null);
    }

    /// <summary>How a wave ended; <see cref="Coordinators"/> are the addresses members named.</summary>
    private sealed record Wave(LiveSession? Session, XapiFailureException? Refusal, List<(Uri Url, Exception Error)> Failures, List<string> Coordinators);
}
