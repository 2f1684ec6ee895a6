using System;
using System.Data;
using Hangfire;
using Npgsql;

public interface ISession : IDisposable { void Commit(); }

public class DapperSession : ISession
{
    private readonly IDbConnection _connection;
    private readonly IDbTransaction _transaction;
    public DapperSession(string connectionString)
    {
        _connection = new NpgsqlConnection(connectionString);
        _connection.Open();
        _transaction = _connection.BeginTransaction();
    }

    public void Commit() => _transaction.Commit();
    public void Dispose() { _transaction.Dispose(); _connection.Dispose(); }
}

public interface ISessionFactory { ISession Open(); }

public class SessionFactory : ISessionFactory
{
    private readonly string _connectionString;
    public SessionFactory(string connectionString) { _connectionString = connectionString; }
    public ISession Open() => new DapperSession(_connectionString);
}

public class Invoicing
{
    private readonly ISessionFactory _sessions;
    private readonly IBackgroundJobClient _jobs;
    public Invoicing(ISessionFactory sessions, IBackgroundJobClient jobs) { _sessions = sessions; _jobs = jobs; }

    public static void Render(int id) { }

    public void Issue(int id)
    {
        using var session = _sessions.Open();
        _jobs.Enqueue(() => Render(id));
        session.Commit();
        _jobs.Enqueue(() => Render(id));
    }
}