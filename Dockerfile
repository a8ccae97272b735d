FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=finemanwest.settings.production

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings that import; these placeholder values exist only during the build.
RUN DJANGO_SECRET_KEY=build-only ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 AWS_SES_REGION_NAME=us-east-1 DEFAULT_FROM_EMAIL=build@localhost \
    python manage.py collectstatic --no-input \
 && useradd --system --uid 10001 --home /app finemanwest \
 && mkdir -p /app/var && chown -R finemanwest /app/var

USER finemanwest
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=4).status == 200 else 1)"

# gunicorn finishes in-flight requests on SIGTERM within --graceful-timeout; exec form makes it PID 1's signal target.
STOPSIGNAL SIGTERM
CMD ["gunicorn", "finemanwest.wsgi", "--bind", "0.0.0.0:8080", "--workers", "3", "--graceful-timeout", "25", "--timeout", "60", "--access-logfile", "-"]
