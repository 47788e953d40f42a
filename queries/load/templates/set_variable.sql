{#- Set SQL variable `name` from the parameter (map: a MAP from two parameters, its keys and values). -#}
SET VARIABLE {{ name | ident }} = {{ 'MAP(?::VARCHAR[], ?::VARCHAR[])' if map else '?' }};
