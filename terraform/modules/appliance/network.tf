data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  create_vpc = var.vpc_id == null
  azs        = length(var.availability_zones) > 0 ? var.availability_zones : slice(data.aws_availability_zones.available.names, 0, 2)

  vpc_id             = local.create_vpc ? aws_vpc.this[0].id : var.vpc_id
  private_subnet_ids = local.create_vpc ? aws_subnet.private[*].id : var.private_subnet_ids

  tags = merge(var.tags, { Application = "nitrosign", Deployment = var.name })
}

resource "aws_vpc" "this" {
  count = local.create_vpc ? 1 : 0

  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(local.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  count = local.create_vpc ? length(local.azs) : 0

  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index)

  tags = merge(local.tags, { Name = "${var.name}-public-${local.azs[count.index]}" })
}

resource "aws_subnet" "private" {
  count = local.create_vpc ? length(local.azs) : 0

  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, 100 + count.index)

  tags = merge(local.tags, { Name = "${var.name}-private-${local.azs[count.index]}" })
}

resource "aws_internet_gateway" "this" {
  count = local.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id
  tags   = merge(local.tags, { Name = var.name })
}

resource "aws_eip" "nat" {
  count = local.create_vpc ? 1 : 0

  domain = "vpc"
  tags   = merge(local.tags, { Name = "${var.name}-nat" })
}

resource "aws_nat_gateway" "this" {
  count = local.create_vpc ? 1 : 0

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id
  tags          = merge(local.tags, { Name = var.name })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "public" {
  count = local.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this[0].id
  }

  tags = merge(local.tags, { Name = "${var.name}-public" })
}

resource "aws_route_table" "private" {
  count = local.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[0].id
  }

  tags = merge(local.tags, { Name = "${var.name}-private" })
}

resource "aws_route_table_association" "public" {
  count = local.create_vpc ? length(local.azs) : 0

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_route_table_association" "private" {
  count = local.create_vpc ? length(local.azs) : 0

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}

# S3 (artifacts) without the NAT gateway.
resource "aws_vpc_endpoint" "s3" {
  count = local.create_vpc ? 1 : 0

  vpc_id            = aws_vpc.this[0].id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private[0].id]
  tags              = merge(local.tags, { Name = "${var.name}-s3" })
}

# ---- security groups ---------------------------------------------------------------------------

resource "aws_security_group" "lb" {
  name        = "${var.name}-api-lb"
  description = "nitrosign API load balancer: HTTPS from the allowed clients only"
  vpc_id      = local.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-api-lb" })
}

resource "aws_vpc_security_group_ingress_rule" "lb_https" {
  for_each = toset(var.allowed_client_cidrs)

  security_group_id = aws_security_group.lb.id
  description       = "API clients"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "lb_to_api" {
  security_group_id            = aws_security_group.lb.id
  description                  = "to the parent hosts' API (HTTPS) and its /health"
  ip_protocol                  = "tcp"
  from_port                    = 8443
  to_port                      = 8443
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_security_group" "app" {
  name        = "${var.name}-parent-host"
  description = "nitrosign parent hosts: API from the load balancer only"
  vpc_id      = local.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-parent-host" })
}

# The admin port (8081) is bound to 127.0.0.1 on the instance and has no rule here.
resource "aws_vpc_security_group_ingress_rule" "app_api" {
  security_group_id            = aws_security_group.app.id
  description                  = "API (HTTPS) and health checks from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = 8443
  to_port                      = 8443
  referenced_security_group_id = aws_security_group.lb.id
}

resource "aws_vpc_security_group_egress_rule" "app_https" {
  security_group_id = aws_security_group.app.id
  description       = "HTTPS to AWS APIs (KMS via vsock-proxy, S3, Secrets Manager, CloudWatch, packages)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "app_db" {
  security_group_id            = aws_security_group.app.id
  description                  = "PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.db.id
}

resource "aws_security_group" "db" {
  name        = "${var.name}-db"
  description = "nitrosign PostgreSQL: from the parent hosts only"
  vpc_id      = local.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-db" })
}

resource "aws_vpc_security_group_ingress_rule" "db_from_app" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the parent hosts"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.app.id
}

# ---- KMS through an interface endpoint ------------------------------------------------------------
# The enclave reaches KMS through the parent's vsock-proxy, which resolves kms.REGION.amazonaws.com
# on the parent. With this endpoint's private DNS that name resolves to the endpoint inside the VPC,
# so KMS sees aws:SourceVpce / aws:SourceVpc on the enclave's requests and the key policy can
# require them (kms.tf). Without an endpoint the requests reach the public KMS endpoint through the
# NAT gateway and carry neither key.

resource "aws_security_group" "kms_endpoint" {
  count = var.create_kms_vpc_endpoint ? 1 : 0

  name        = "${var.name}-kms-endpoint"
  description = "nitrosign KMS interface endpoint: HTTPS from the parent hosts only"
  vpc_id      = local.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-kms-endpoint" })
}

resource "aws_vpc_security_group_ingress_rule" "kms_endpoint_from_app" {
  count = var.create_kms_vpc_endpoint ? 1 : 0

  security_group_id            = aws_security_group.kms_endpoint[0].id
  description                  = "KMS (vsock-proxy) from the parent hosts"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.app.id
}

resource "aws_vpc_endpoint" "kms" {
  count = var.create_kms_vpc_endpoint ? 1 : 0

  vpc_id              = local.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.kms"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = local.private_subnet_ids
  security_group_ids  = [aws_security_group.kms_endpoint[0].id]
  tags                = merge(local.tags, { Name = "${var.name}-kms" })
}

locals {
  # The endpoint the enclave's KMS requests must come through (null: no network condition).
  kms_vpc_endpoint_id = var.create_kms_vpc_endpoint ? aws_vpc_endpoint.kms[0].id : var.existing_kms_vpc_endpoint_id
}
