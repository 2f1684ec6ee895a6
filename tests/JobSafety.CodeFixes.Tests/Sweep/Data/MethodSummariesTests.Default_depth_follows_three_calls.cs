using System;
using System.Threading.Tasks;
using Hangfire;
using Npgsql;
public class A { private readonly B _b = new(); public void Run() => _b.Run(); }
public class B { private readonly C _c = new(); public void Run() => _c.Run(); }
public class C { public void Run() => BackgroundJob.Enqueue(() => Jobs.Run(1)); }
public class Direct { public void Run() => BackgroundJob.Enqueue(() => Jobs.Run(1)); }

public class Controller
{
    public void Post(NpgsqlConnection conn, A a, Direct direct)
    {
        using var tx = conn.BeginTransaction();
        a.Run();
        direct.Run();
        BackgroundJob.Enqueue(() => Jobs.Run(2));
        tx.Commit();
    }
}
public static class Jobs { public static void Run(int id) { } }