{#- The file just read (_file, every column text) given the source's columns, then added to the batch
    (_stage): merges (column -> the file's columns, the first non-empty one wins), renames (old ->
    new), the file's columns to drop and the source's columns it lacks (added empty). -#}
{% for column, candidates in merges.items() %}
ALTER TABLE _file ADD COLUMN {{ column | ident }} VARCHAR;
UPDATE _file SET {{ column | ident }} = coalesce({% for c in candidates %}lr_text({{ c | ident }}){{ ', ' if not loop.last else '' }}{% endfor %});
{% for c in candidates %}
ALTER TABLE _file DROP COLUMN {{ c | ident }};
{% endfor %}
{% endfor %}
{% for old, new in renames.items() %}
ALTER TABLE _file RENAME COLUMN {{ old | ident }} TO {{ new | ident }};
{% endfor %}
{% for column in drops %}
ALTER TABLE _file DROP COLUMN {{ column | ident }};
{% endfor %}
{% for column in adds %}
ALTER TABLE _file ADD COLUMN {{ column | ident }} VARCHAR;
{% endfor %}
{% if first %}
ALTER TABLE _file RENAME TO _stage;
{% else %}
{% include 'load/stage_append.sql' %}

DROP TABLE _file;
{% endif %}
