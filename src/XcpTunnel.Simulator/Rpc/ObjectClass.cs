namespace XcpTunnel.Simulator.Rpc;

/// <summary>A readable XAPI class: how to list its objects and build their records. Call with the database lock held.</summary>
internal sealed class ObjectClass
{
    private static readonly ObjectClass[] Classes =
    [
        new("VM", db => db.Vms.Select(v => (v.Ref, Records.Vm(db, v))), (db, r) => db.FindVmByRef(r) is { } v ? Records.Vm(db, v) : null, hasNameLabel: true),
        new("console", db => db.Consoles.Select(c => (c.Ref, Records.Console(c))), (db, r) => db.FindConsoleByRef(r) is { } c ? Records.Console(c) : null, hasNameLabel: false),
        new("host", db => db.Hosts.Select(h => (h.Ref, Records.Host(db, h))), (db, r) => db.FindHostByRef(r) is { } h ? Records.Host(db, h) : null, hasNameLabel: true),
        new("pool", db => [(db.PoolRef, Records.Pool(db))], (db, r) => r == db.PoolRef ? Records.Pool(db) : null, hasNameLabel: true),
        new(
            "Certificate",
            db => db.Hosts.SelectMany(Records.CertificatesOf),
            (db, r) => db.Hosts.SelectMany(Records.CertificatesOf).Where(c => c.Ref == r).Select(c => c.Record).FirstOrDefault(),
            hasNameLabel: false),
    ];

    private readonly Func<PoolDatabase, IEnumerable<(string Ref, Dictionary<string, object?> Record)>> _all;
    private readonly Func<PoolDatabase, string, Dictionary<string, object?>?> _get;

    private ObjectClass(
        string name,
        Func<PoolDatabase, IEnumerable<(string Ref, Dictionary<string, object?> Record)>> all,
        Func<PoolDatabase, string, Dictionary<string, object?>?> get,
        bool hasNameLabel)
    {
        Name = name;
        _all = all;
        _get = get;
        HasNameLabel = hasNameLabel;
    }

    /// <summary>The class name as XAPI spells it in errors (<c>VM</c>, <c>console</c>, <c>host</c>, <c>pool</c>).</summary>
    public string Name { get; }

    public bool HasNameLabel { get; }

    /// <summary>The class named <paramref name="name"/> (case-insensitive, as xapi accepts <c>vm.get_record</c>), or null.</summary>
    public static ObjectClass? Find(string name) => Classes.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public IEnumerable<(string Ref, Dictionary<string, object?> Record)> All(PoolDatabase db) => _all(db);

    public Dictionary<string, object?>? Get(PoolDatabase db, string opaqueRef) => _get(db, opaqueRef);
}
